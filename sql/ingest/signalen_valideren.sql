-- Validate one file of partner signals (view invoer); see ingest/private.py. Signals are about a wijk or buurt and a
-- theme, not about persons. toelichting is free text: kept, masked (table vrije_tekst, ingest/private.py), and
-- published only where publiceerbaar = ja. A thema that maps to no theme is kept masked too.

create or replace view gecontroleerd as
with rijen as (
    select
        i.bron_rij,
        b.bron as partner,
        nullif(trim(i.bron), '') as partner_ruw,
        wp_periode(i.periode) as signaal_periode,
        nullif(trim(i.periode), '') as periode_ruw,
        t.thema as thema_bekend,
        nullif(trim(th.tekst), '') as thema_ruw,
        try_cast(trim(i.aantal) as bigint) as aantal,
        nullif(trim(i.aantal), '') as aantal_ruw,
        nullif(trim(tl.tekst), '') as toelichting,
        coalesce(p.publiceerbaar, 'nee') = 'ja' as publiceerbaar,
        wp_wijkcode(i.wijkcode) as wijkcode_ruw,
        wp_buurtcode(i.buurtcode) as buurtcode_ruw
    from invoer i
    left join partner_spellingen b on b.spelling = wp_sleutel(i.bron)
    left join thema_spellingen t on t.spelling = wp_sleutel(i.thema)
    left join publiceerbaar_spellingen p on p.spelling = wp_sleutel(i.publiceerbaar)
    left join vrije_tekst th on th.kolom = 'thema' and th.ruw = i.thema
    left join vrije_tekst tl on tl.kolom = 'toelichting' and tl.ruw = i.toelichting
),

beoordeeld as (
    select
        *,
        case when wp_geldige_buurtcode(buurtcode_ruw) then buurtcode_ruw end as buurtcode_opgegeven,
        case when wp_geldige_wijkcode(wijkcode_ruw) then wijkcode_ruw end as wijkcode_opgegeven
    from rijen
),

in_orde as (
    select
        *,
        partner is not null and signaal_periode is not null and thema_ruw is not null
        and (aantal_ruw is null or coalesce(aantal >= 0, false))
        and (wijkcode_ruw is not null or buurtcode_ruw is not null)
        and (wijkcode_ruw is null or wijkcode_opgegeven is not null)
        and (buurtcode_ruw is null or buurtcode_opgegeven is not null) as in_orde
    from beoordeeld
)

select
    in_orde, bron_rij, partner, signaal_periode,
    coalesce(thema_bekend, 'onbekend:' || lower(regexp_replace(thema_ruw, '\s+', ' ', 'g'))) as thema,
    aantal, null::double as percentage, null::bigint as n, null::varchar as vraag, toelichting, publiceerbaar,
    null::varchar as postcode, null::integer as huisnummer, buurtcode_opgegeven,
    -- a buurt names its wijk itself
    case when buurtcode_opgegeven is null then wijkcode_opgegeven end as wijkcode_opgegeven,
    case when in_orde then [] else coalesce(nullif(list_filter([
        case when partner_ruw is null then {'kolom': 'bron', 'reden': 'bron is empty', 'waarde': null} end,
        case when partner_ruw is not null and partner is null
             then {'kolom': 'bron', 'reden': 'unknown bron (known: huisarts, poh, wijkagent, woningcorporatie, meldpunt_zorg_overlast, ggz, clientenraad, enquete, overig)', 'waarde': wp_veilig(partner_ruw)} end,
        case when signaal_periode is null
             then {'kolom': 'periode', 'reden': 'periode is not a year, quarter (2024-K3) or month (2024-07)', 'waarde': wp_veilig(periode_ruw)} end,
        case when thema_ruw is null then {'kolom': 'thema', 'reden': 'thema is empty', 'waarde': null} end,
        case when aantal_ruw is not null and (aantal is null or aantal < 0)
             then {'kolom': 'aantal', 'reden': 'aantal is not a whole number of 0 or more', 'waarde': wp_veilig(aantal_ruw)} end,
        case when wijkcode_ruw is null and buurtcode_ruw is null
             then {'kolom': 'wijkcode', 'reden': 'no wijkcode or buurtcode: a signal must say where', 'waarde': null} end,
        case when wijkcode_ruw is not null and wijkcode_opgegeven is null
             then {'kolom': 'wijkcode', 'reden': 'not a CBS wijkcode (WK + 6 characters)', 'waarde': wp_veilig(wijkcode_ruw)} end,
        case when buurtcode_ruw is not null and buurtcode_opgegeven is null
             then {'kolom': 'buurtcode', 'reden': 'not a CBS buurtcode (BU + 8 characters)', 'waarde': wp_veilig(buurtcode_ruw)} end
    ], p -> p is not null), []), [{'kolom': null, 'reden': 'record failed validation', 'waarde': null}]) end as problemen
from in_orde;
