-- materialise: table
-- Rode draden per wijk (DESIGN §7, method and worked example in docs/rode-draden.md): the themes that come
-- back in a wijk, ranked, each with the evidence that puts it on the list, the bespreektafel questions, what
-- already exists in the wijk (kansen) and the outcome of the last bespreking. Like its evidence it is computed
-- from published values only, so it lives in pub; the report says the evidence in words (publish/bewijs.py).
--
-- Per wijk × theme × kind of evidence (bewijsbron) the sterkte is the mean of its figures' sterkte (from
-- pub.rode_draden_bewijs), capped at ±1 so no single source can carry a theme alone. A source points at
-- the theme (wijst) when its sterkte is at least 0.15 (about 16% more than expected at the gemeente's rate
-- after shrinking small numbers). The theme's sterkte is the sum over the sources that point at it.
--   status 'rode draad':             at least two independent sources point at it and sterkte >= 0.5;
--   status 'signaal om te toetsen':  one source points at it, or several with sterkte below 0.5.
-- Themes no source points at are not listed. rang orders a wijk's themes: rode draden first, then by
-- sterkte (highest first), then by theme key, so the order is fully deterministic.
-- A rode draad is net boven de drempel when a small change would take it off the list: its sterkte is below
-- 0.75 (less than 0.25 above 0.5), or it rests on exactly two sources of which the weaker is below 0.25 (less
-- than 0.1 above 0.15).
--
-- Each cited figure has a rol, so the report lists as evidence only what points at the theme:
--   wijst            its sterkte is at least 0.15 and its source points at the theme: evidence;
--   bron_wijst_niet  its sterkte is at least 0.15, but its source as a whole does not point at the theme;
--   wijkt_niet_af    its sterkte is between -0.15 and 0.15: about as in the gemeente;
--   andere_kant      its sterkte is -0.15 or less: it points away from the theme;
--   verborgen        hidden (too small to show), no sterkte.
-- ook_bij names the wijk's other listed themes for which the same figure is evidence (rol wijst), so a reader
-- sees one figure behind two themes.
with per_bron as (
    select gemeente_code, wijkcode, peiljaar, thema, bewijsbron,
           greatest(-1, least(1, avg(sterkte))) as bron_sterkte
    from pub.rode_draden_bewijs
    where sterkte is not null
    group by all
),

per_thema as (
    select gemeente_code, wijkcode, peiljaar, thema,
           count(*) filter (where bron_sterkte >= 0.15) as wijzende_bronnen,
           min(bron_sterkte) filter (where bron_sterkte >= 0.15) as zwakste_bron,
           coalesce(sum(bron_sterkte) filter (where bron_sterkte >= 0.15), 0) as sterkte,
           list(bewijsbron order by bron_sterkte desc, bewijsbron) filter (where bron_sterkte >= 0.15) as bronnen
    from per_bron
    group by all
    having count(*) filter (where bron_sterkte >= 0.15) >= 1
),

-- The evidence the report cites: the sources that point at the theme first (strongest first), then the rest.
-- A hidden casuïstiek figure and a partner naming the theme without a count are cited as such; another figure
-- that is hidden or unknown says nothing at the table.
geciteerd as (
    select b.*, p.bron_sterkte,
           case when b.sterkte is null then 'verborgen'
                when b.sterkte >= 0.15 and p.bron_sterkte >= 0.15 then 'wijst'
                when b.sterkte >= 0.15 then 'bron_wijst_niet'
                when b.sterkte > -0.15 then 'wijkt_niet_af'
                else 'andere_kant'
           end as rol
    from pub.rode_draden_bewijs b
    left join per_bron p using (wijkcode, thema, bewijsbron)
    where b.waarde is not null or b.bewijsbron in ('casuistiek', 'signalen')
),

-- The wijk's other listed themes for which the same figure is evidence.
ook_bij as (
    select g.wijkcode, g.thema, g.indicator, list(a.thema order by a.thema) as ook_bij
    from geciteerd g
    join geciteerd a on a.wijkcode = g.wijkcode and a.indicator = g.indicator and a.thema <> g.thema and a.rol = 'wijst'
    join per_thema t on t.wijkcode = a.wijkcode and t.thema = a.thema
    group by all
),

bewijs as (
    select wijkcode, thema,
           list(struct_pack(bewijsbron, indicator, label, eenheid, jaar, waarde, gemeente_waarde, aantal, noemer_aantal,
                            vorige_waarde, verwacht_aantal, partners, sterkte, rol,
                            ook_bij := coalesce(o.ook_bij, []), overgeslagen_jaar, overgeslagen_reden)
                order by (bron_sterkte >= 0.15) desc nulls last, bron_sterkte desc nulls last, bewijsbron,
                         sterkte desc nulls last, indicator) as bewijs,
           list(indicator order by (bron_sterkte >= 0.15) desc nulls last, bron_sterkte desc nulls last, bewijsbron,
                                   sterkte desc nulls last, indicator) as indicatoren
    from geciteerd
    left join ook_bij o using (wijkcode, thema, indicator)
    group by all
),

kansen as (
    select wijkcode, thema, list(struct_pack(naam := naam, soort := soort, adres := adres) order by naam) as kansen
    from marts.kansen_per_wijk
    group by all
),

namen as (
    select gebied_code as wijkcode, arg_max(gebied_naam, jaar) as wijknaam
    from marts.indicator_waarden where gebied_niveau = 'wijk' group by all
)

select
    t.gemeente_code,
    t.wijkcode,
    n.wijknaam,
    t.peiljaar as jaar,
    t.thema,
    th.label as thema_label,
    row_number() over (partition by t.wijkcode
                       order by (t.wijzende_bronnen >= 2 and t.sterkte >= 0.5) desc, t.sterkte desc, t.thema)::integer as rang,
    round(t.sterkte, 2) as sterkte,
    case when t.wijzende_bronnen >= 2 and t.sterkte >= 0.5 then 'rode draad' else 'signaal om te toetsen' end as status,
    t.wijzende_bronnen >= 2 and t.sterkte >= 0.5
        and (t.sterkte < 0.75 or (t.wijzende_bronnen = 2 and t.zwakste_bron < 0.25)) as net_boven_drempel,
    t.bronnen,
    b.bewijs,
    b.indicatoren,
    th.herkennen,
    th.verklaren,
    coalesce(k.kansen, []) as kansen,
    l.datum as vorige_bespreking_datum,
    l.herkend as vorige_herkend,
    l.verklaring as vorige_verklaring,
    l.actie as vorige_actie,
    l.eigenaar as vorige_eigenaar,
    l.wanneer as vorige_wanneer
from per_thema t
join raw.themas th using (thema)
left join bewijs b using (wijkcode, thema)
left join kansen k using (wijkcode, thema)
left join namen n using (wijkcode)
left join marts.laatste_bespreking l using (wijkcode, thema)
order by t.wijkcode, rang;

comment on table pub.rode_draden is 'Per wijk: the recurring themes (rode draden and signalen om te toetsen), ranked, with their evidence, bespreektafel questions, kansen and the last bespreking. Computed from published values only; method in docs/rode-draden.md.';
comment on column pub.rode_draden.gemeente_code is 'The gemeente.';
comment on column pub.rode_draden.wijkcode is 'The wijk (CBS code).';
comment on column pub.rode_draden.wijknaam is 'The wijk''s name as CBS publishes it.';
comment on column pub.rode_draden.jaar is 'The cycle''s year (peiljaar): the latest year of the gemeente''s casuïstiek or signals.';
comment on column pub.rode_draden.thema is 'Theme key (raw.themas).';
comment on column pub.rode_draden.thema_label is 'The theme''s Dutch name.';
comment on column pub.rode_draden.rang is 'Order within the wijk: rode draden first, then by sterkte, then by theme key.';
comment on column pub.rode_draden.sterkte is 'Combined strength: the sum of the sterkte of the sources that point at the theme (each capped at 1).';
comment on column pub.rode_draden.status is '''rode draad'' (at least two independent sources point at the theme and sterkte >= 0.5) or ''signaal om te toetsen''.';
comment on column pub.rode_draden.net_boven_drempel is 'For a rode draad: true when a small change would take it off the list (sterkte below 0.75, or exactly two sources of which the weaker is below 0.25); false otherwise, and for a signaal.';
comment on column pub.rode_draden.bronnen is 'The independent sources that point at the theme, strongest first: casuistiek, voorzieningen, cbs_context, signalen, enquete.';
comment on column pub.rode_draden.bewijs is 'The evidence the report cites, as facts (source, indicator, published figure, gemeente figure, year, partners, sterkte, overgeslagen_jaar and overgeslagen_reden; see pub.rode_draden_bewijs); the supporting sources first. rol: wijst (evidence: sterkte >= 0.15 and its source points at the theme), bron_wijst_niet (sterkte >= 0.15, its source as a whole does not point), wijkt_niet_af (between -0.15 and 0.15), andere_kant (-0.15 or less), verborgen (hidden). ook_bij: the wijk''s other listed themes for which the same figure is evidence. The report says each in a sentence (publish/bewijs.py).';
comment on column pub.rode_draden.indicatoren is 'The indicators the evidence sentences cite, in the same order as bewijs (a report can map the first one per buurt).';
comment on column pub.rode_draden.herkennen is 'The bespreektafel question for herkennen (2.1) for this theme.';
comment on column pub.rode_draden.verklaren is 'The bespreektafel question for verklaren (2.2) for this theme.';
comment on column pub.rode_draden.kansen is 'What already exists in the wijk for this theme (name, kind, address).';
comment on column pub.rode_draden.vorige_bespreking_datum is 'Date of the last bespreking of this theme in this wijk.';
comment on column pub.rode_draden.vorige_herkend is 'Whether the table recognised the figures then: ja, deels or nee.';
comment on column pub.rode_draden.vorige_verklaring is 'The explanation agreed then.';
comment on column pub.rode_draden.vorige_actie is 'The action agreed then.';
comment on column pub.rode_draden.vorige_eigenaar is 'Who owned the action (role).';
comment on column pub.rode_draden.vorige_wanneer is 'By when.';
