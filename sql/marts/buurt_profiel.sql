-- One row per buurt per year, one column per indicator (wide), for analysts who prefer a spreadsheet shape.
with waarden as (
    select gebied_code, gebied_naam, ouder_code, gemeente_code, jaar, indicator, waarde
    from marts.indicator_waarden
    where gebied_niveau = 'buurt'
),

breed as (
    pivot waarden
    on indicator
    using first(waarde)
    group by gebied_code, gebied_naam, ouder_code, gemeente_code, jaar
)

select * from breed
order by gemeente_code, jaar, gebied_code;

comment on table marts.buurt_profiel is 'One row per buurt and year with every indicator as a column; see marts.indicator_waarden for units and sources.';
