-- Shares computed from CBS counts, for maps and comparison (CBS publishes the counts, not these shares).
-- Computed from CBS's rounded counts, so a buurt share can differ slightly from a CBS-published percentage.
-- release_load_id is the latest release among a share's own inputs.
with waarden as (
    select * from intermediate.cbs_waarden
),

breed as (
    select
        gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar,
        max(waarde) filter (where indicator = 'inwoners') as inwoners,
        max(waarde) filter (where indicator = 'inwoners_65_plus') as inwoners_65_plus,
        max(waarde) filter (where indicator = 'inwoners_0_14') as inwoners_0_14,
        max(waarde) filter (where indicator = 'huishoudens') as huishoudens,
        max(waarde) filter (where indicator = 'eenpersoonshuishoudens') as eenpersoonshuishoudens,
        max(waarde) filter (where indicator = 'personen_bijstand') as personen_bijstand,
        max(release_load_id) filter (where indicator = 'inwoners') as release_inwoners,
        max(release_load_id) filter (where indicator = 'inwoners_65_plus') as release_inwoners_65_plus,
        max(release_load_id) filter (where indicator = 'inwoners_0_14') as release_inwoners_0_14,
        max(release_load_id) filter (where indicator = 'huishoudens') as release_huishoudens,
        max(release_load_id) filter (where indicator = 'eenpersoonshuishoudens') as release_eenpersoonshuishoudens,
        max(release_load_id) filter (where indicator = 'personen_bijstand') as release_personen_bijstand,
        max(tabel_id) as tabel_id
    from waarden
    group by all
),

afgeleid as (
    select *, 'aandeel_65_plus' as indicator,
        100.0 * inwoners_65_plus / nullif(inwoners, 0) as waarde,
        greatest(release_inwoners_65_plus, release_inwoners) as release_load_id
    from breed
    union all
    select *, 'aandeel_0_14',
        100.0 * inwoners_0_14 / nullif(inwoners, 0),
        greatest(release_inwoners_0_14, release_inwoners)
    from breed
    union all
    select *, 'aandeel_eenpersoonshuishoudens',
        100.0 * eenpersoonshuishoudens / nullif(huishoudens, 0),
        greatest(release_eenpersoonshuishoudens, release_huishoudens)
    from breed
    union all
    select *, 'bijstand_per_1000_inwoners',
        1000.0 * personen_bijstand / nullif(inwoners, 0),
        greatest(release_personen_bijstand, release_inwoners)
    from breed
)

select
    gebied_code, gebied_niveau, ouder_code, gemeente_code, jaar, indicator,
    round(waarde, 1) as waarde,
    tabel_id,
    release_load_id
from afgeleid
