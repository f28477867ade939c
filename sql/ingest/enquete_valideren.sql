-- Validate aggregated enquête results (view invoer): per wijk × question, a percentage and its n.
-- They are loaded as signals from partner 'enquete'; see ingest/private.py. The question and a thema that maps
-- to no theme are free text, kept masked (table vrije_tekst).

create or replace view gecontroleerd as
with rijen as (
    select
        i.bron_rij,
        wp_wijkcode(i.wijkcode) as wijkcode_ruw,
        nullif(trim(vr.tekst), '') as vraag,
        t.thema as thema_bekend,
        nullif(trim(th.tekst), '') as thema_ruw,
        try_cast(replace(trim(i.percentage), ',', '.') as double) as percentage,
        nullif(trim(i.percentage), '') as percentage_ruw,
        try_cast(trim(i.n) as bigint) as n,
        nullif(trim(i.n), '') as n_ruw,
        coalesce(wp_periode(i.periode), 'onbekend') as signaal_periode
    from invoer i
    left join thema_spellingen t on t.spelling = wp_sleutel(i.thema)
    left join vrije_tekst vr on vr.kolom = 'vraag' and vr.ruw = i.vraag
    left join vrije_tekst th on th.kolom = 'thema' and th.ruw = i.thema
),

in_orde as (
    select
        *,
        case when wp_geldige_wijkcode(wijkcode_ruw) then wijkcode_ruw end as wijkcode_opgegeven,
        wp_geldige_wijkcode(wijkcode_ruw) and thema_ruw is not null
        and coalesce(percentage between 0 and 100, false) and coalesce(n > 0, false) as in_orde
    from rijen
)

select
    in_orde, bron_rij, 'enquete' as partner, signaal_periode,
    coalesce(thema_bekend, 'onbekend:' || lower(regexp_replace(thema_ruw, '\s+', ' ', 'g'))) as thema,
    null::bigint as aantal, percentage, n, vraag, null::varchar as toelichting, true as publiceerbaar,
    null::varchar as postcode, null::integer as huisnummer, null::varchar as buurtcode_opgegeven, wijkcode_opgegeven,
    case when in_orde then [] else coalesce(nullif(list_filter([
        case when not wp_geldige_wijkcode(wijkcode_ruw)
             then {'kolom': 'wijkcode', 'reden': 'not a CBS wijkcode (WK + 6 characters)', 'waarde': wp_veilig(wijkcode_ruw)} end,
        case when thema_ruw is null then {'kolom': 'thema', 'reden': 'thema is empty', 'waarde': null} end,
        case when percentage is null or percentage not between 0 and 100
             then {'kolom': 'percentage', 'reden': 'percentage is not a number from 0 to 100', 'waarde': wp_veilig(percentage_ruw)} end,
        case when n is null or n <= 0
             then {'kolom': 'n', 'reden': 'n (respondents) is not a whole number above 0', 'waarde': wp_veilig(n_ruw)} end
    ], p -> p is not null), []), [{'kolom': null, 'reden': 'record failed validation', 'waarde': null}]) end as problemen
from in_orde;
