-- Validate kansen (view invoer): facilities and initiatives with their themes and where they are. They are
-- public, not person-level. A kans is placed by its buurtcode or postcode here; one with only coordinates
-- is placed by the boundaries in staging.kansen. naam, soort, the tags, adres and contact are free text, kept
-- masked (table vrije_tekst, ingest/private.py): adres is the street and number, the postcode column places the
-- kans. contact is how to reach a facility, meant to be published: a phone number or e-mail address there is the
-- facility's, so a contact in which wp_maskeer finds nothing but those is kept as written; one that also holds a
-- number, an address or a date (a BSN or a birth date typed in) is masked as a whole.

update vrije_tekst set tekst = ruw
where kolom = 'contact' and not regexp_matches(tekst, '\[(nummer|adres|datum)\]');

create or replace table d_themacel as
with tags as (
    -- masked before it is split: a date such as 12/3/85 holds a separator
    select ruw as cel, trim(unnest(string_split_regex(tekst, '[;,|/]'))) as tag from vrije_tekst where kolom = 'themas'
)

select
    cel,
    list_distinct(list(coalesce(s.thema, 'onbekend:' || lower(regexp_replace(tag, '\s+', ' ', 'g'))))) as themas
from tags
left join thema_spellingen s on s.spelling = wp_sleutel(tag)
where tag <> ''
group by cel;

create or replace view gecontroleerd as
with rijen as (
    select
        i.bron_rij,
        nullif(trim(nm.tekst), '') as naam,
        nullif(trim(sr.tekst), '') as soort,
        coalesce(c.themas, []) as themas,
        nullif(trim(ad.tekst), '') as adres,
        p.postcode, p.postcode_ruw, h.huisnummer,
        try_cast(replace(trim(i.lat), ',', '.') as double) as lat,
        try_cast(replace(trim(i.lon), ',', '.') as double) as lon,
        nullif(trim(i.lat), '') as lat_ruw,
        nullif(trim(i.lon), '') as lon_ruw,
        nullif(trim(ct.tekst), '') as contact,
        wp_buurtcode(i.buurtcode) as buurtcode_ruw
    from invoer i
    left join d_themacel c on c.cel = i.themas
    left join vrije_tekst nm on nm.kolom = 'naam' and nm.ruw = i.naam
    left join vrije_tekst sr on sr.kolom = 'soort' and sr.ruw = i.soort
    left join vrije_tekst ad on ad.kolom = 'adres' and ad.ruw = i.adres
    left join vrije_tekst ct on ct.kolom = 'contact' and ct.ruw = i.contact
    left join d_postcode p on p.ruw = coalesce(i.postcode, '')
    left join d_huisnummer h on h.ruw = coalesce(i.huisnummer, '')
),

beoordeeld as (
    select
        *,
        case when wp_geldige_buurtcode(buurtcode_ruw) then buurtcode_ruw end as buurtcode_opgegeven,
        -- the Netherlands in WGS84, roughly: coordinates outside it are a mistake (often lat and lon swapped)
        coalesce(lat between 50.7 and 53.6 and lon between 3.3 and 7.3, false) as coordinaten_ok
    from rijen
),

in_orde as (
    select
        *,
        naam is not null and len(themas) > 0
        and (buurtcode_ruw is null or buurtcode_opgegeven is not null)
        and (postcode_ruw is null or postcode is not null)
        and ((lat_ruw is null and lon_ruw is null) or coordinaten_ok) as in_orde
    from beoordeeld
)

select
    in_orde, bron_rij, naam, soort, themas, adres,
    case when coordinaten_ok then lat end as lat, case when coordinaten_ok then lon end as lon, contact,
    postcode, huisnummer, buurtcode_opgegeven, null::varchar as wijkcode_opgegeven,
    case when in_orde then [] else coalesce(nullif(list_filter([
        case when naam is null then {'kolom': 'naam', 'reden': 'naam is empty', 'waarde': null} end,
        case when len(themas) = 0 then {'kolom': 'themas', 'reden': 'no thema given', 'waarde': null} end,
        case when buurtcode_ruw is not null and buurtcode_opgegeven is null
             then {'kolom': 'buurtcode', 'reden': 'not a CBS buurtcode (BU + 8 characters)', 'waarde': wp_veilig(buurtcode_ruw)} end,
        case when postcode_ruw is not null and postcode is null
             then {'kolom': 'postcode', 'reden': 'postcode is not of the form 1234AB', 'waarde': wp_vorm(postcode_ruw)} end,
        case when (lat_ruw is not null or lon_ruw is not null) and not coordinaten_ok
             then {'kolom': 'lat', 'reden': 'coordinates are not a WGS84 point in the Netherlands (lat 50.7–53.6, lon 3.3–7.3)', 'waarde': left(coalesce(lat_ruw, '') || ' ' || coalesce(lon_ruw, ''), 40)} end
    ], p -> p is not null), []), [{'kolom': null, 'reden': 'record failed validation', 'waarde': null}]) end as problemen
from in_orde;
