-- Validate bespreektafel outcomes typed in from the paper form or saved by the report's form (view invoer); see
-- ingest/private.py. verklaring, actie, eigenaar, aanwezig and a thema that maps to no theme are free text, kept
-- masked (table vrije_tekst); wanneer is meant to hold the date of the action: a date from a year before the
-- meeting on is kept as written, anything else is masked (wp_maskeer_termijn), so a birth date typed there is not.

-- wanneer is masked per record (the rule needs the meeting's date); its values join the count of masked values
insert into vrije_tekst
select 'wanneer' as kolom, wanneer::varchar as ruw, wp_maskeer_termijn(wanneer::varchar, wp_datum(datum)) as tekst,
       count(*) as n
from invoer where wanneer is not null
group by all;

create or replace view gecontroleerd as
with rijen as (
    select
        i.bron_rij,
        wp_wijkcode(i.wijkcode) as wijkcode_ruw,
        wp_datum(i.datum) as datum,
        nullif(trim(i.datum), '') as datum_ruw,
        t.thema as thema_bekend,
        nullif(trim(th.tekst), '') as thema_ruw,
        h.herkend,
        nullif(trim(i.herkend), '') as herkend_ruw,
        nullif(trim(vk.tekst), '') as verklaring,
        nullif(trim(ac.tekst), '') as actie,
        nullif(trim(eg.tekst), '') as eigenaar,
        nullif(trim(wp_maskeer_termijn(i.wanneer::varchar, wp_datum(i.datum))), '') as wanneer,
        nullif(trim(aw.tekst), '') as aanwezig
    from invoer i
    left join thema_spellingen t on t.spelling = wp_sleutel(i.thema)
    left join herkend_spellingen h on h.spelling = wp_sleutel(i.herkend)
    left join vrije_tekst th on th.kolom = 'thema' and th.ruw = i.thema
    left join vrije_tekst vk on vk.kolom = 'verklaring' and vk.ruw = i.verklaring
    left join vrije_tekst ac on ac.kolom = 'actie' and ac.ruw = i.actie
    left join vrije_tekst eg on eg.kolom = 'eigenaar' and eg.ruw = i.eigenaar
    left join vrije_tekst aw on aw.kolom = 'aanwezig' and aw.ruw = i.aanwezig
),

in_orde as (
    select
        *,
        case when wp_geldige_wijkcode(wijkcode_ruw) then wijkcode_ruw end as wijkcode_opgegeven,
        wp_geldige_wijkcode(wijkcode_ruw) and datum is not null and thema_ruw is not null and herkend is not null as in_orde
    from rijen
)

select
    in_orde, bron_rij, datum,
    coalesce(thema_bekend, 'onbekend:' || lower(regexp_replace(thema_ruw, '\s+', ' ', 'g'))) as thema,
    herkend, verklaring, actie, eigenaar, wanneer, aanwezig,
    null::varchar as postcode, null::integer as huisnummer, null::varchar as buurtcode_opgegeven, wijkcode_opgegeven,
    case when in_orde then [] else coalesce(nullif(list_filter([
        case when not wp_geldige_wijkcode(wijkcode_ruw)
             then {'kolom': 'wijkcode', 'reden': 'not a CBS wijkcode (WK + 6 characters)', 'waarde': wp_veilig(wijkcode_ruw)} end,
        case when datum is null then {'kolom': 'datum', 'reden': 'datum is not a real date (expected dd-mm-jjjj or jjjj-mm-dd)', 'waarde': wp_veilig(datum_ruw)} end,
        case when thema_ruw is null then {'kolom': 'thema', 'reden': 'thema is empty', 'waarde': null} end,
        case when herkend is null then {'kolom': 'herkend', 'reden': 'herkend must be ja, deels or nee', 'waarde': wp_veilig(herkend_ruw)} end
    ], p -> p is not null), []), [{'kolom': null, 'reden': 'record failed validation', 'waarde': null}]) end as problemen
from in_orde;
