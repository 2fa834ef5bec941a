//! The officer's week in the territory folder: `schedules.csv` and the optional columns of
//! `vehicles.csv`, read by `boucle check` with file, line and field errors; old files stay valid.

use crate::common::{boucle, copy_geodata};
use boucle::territory::{self, Territory};

#[test]
fn a_valid_week_loads_and_old_files_stay_valid() {
    let dir = copy_geodata();
    // Without schedules.csv: no row, no error (today's behaviour).
    assert!(territory::check(dir.path()).errors.is_empty());
    std::fs::write(
        dir.path().join("schedules.csv"),
        "id,material,opening_hours,service_min,unload_min,container_type,container_count,max_length_m,max_weight_t,tail_lift,remarks\n\
         angenstein-sa,,Mo-Fr 08:00-12:00,20,,bac 770 L,4,10,19,true,\n\
         angenstein-sa,metals,Mo-Fr 08:00-12:00,45,,caisson 30 m³,1,,,,\n\
         cernay-environnement-alsadis,,\"Mo-Fr 07:00-12:00,13:30-18:00; Sa 08:00-12:00; PH off\",,25,,,,,,\n",
    )
    .unwrap();
    let r = territory::check(dir.path());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.schedules, 3);
    let t = Territory::load(dir.path()).unwrap();
    let pallets = t.week.of("angenstein-sa", "pallets").unwrap();
    assert_eq!(pallets.service_min, Some(20.0));
    assert_eq!(pallets.container.as_ref().unwrap().count, 4);
    assert!(pallets.access.tail_lift);
    assert_eq!(
        t.week.of("angenstein-sa", "metals").unwrap().service_min,
        Some(45.0)
    );
    let site = t
        .week
        .of("cernay-environnement-alsadis", "pallets")
        .unwrap();
    assert_eq!(site.unload_min, Some(25.0));
    assert_eq!(
        site.opening_hours.as_ref().unwrap().days[5],
        vec![(480, 720)]
    );
}

#[test]
fn a_wrong_week_is_named_by_file_line_and_field() {
    let dir = copy_geodata();
    std::fs::write(
        dir.path().join("schedules.csv"),
        "id,material,opening_hours,service_min,unload_min,tail_lift\n\
         angenstein-sa,,Mo-Fr 8h-12h,,,\n\
         nobody,,,,,\n\
         angenstein-sa,uranium,,,,\n\
         clipso-productions,,,900,,\n\
         clipso-productions,,Mx 08:00-10:00,,,\n\
         angenstein-sa,pallets,,,12,\n\
         cernay-environnement-alsadis,,,15,,\n\
         trelleborg-ex-rolin,,,,,peut-être\n",
    )
    .unwrap();
    let errors = territory::check(dir.path()).errors;
    let has = |line: u32, field: &str, what: &str| {
        errors.iter().any(|e| {
            e.contains(&format!("schedules.csv, line {line}"))
                && e.contains(field)
                && e.contains(what)
        })
    };
    assert!(has(2, "opening_hours", "`8h-12h`"), "{errors:?}");
    assert!(has(3, "id", "`nobody`"), "{errors:?}");
    assert!(has(4, "material", "`uranium`"), "{errors:?}");
    assert!(has(5, "service_min", "900"), "{errors:?}");
    assert!(has(6, "opening_hours", "`Mx`"), "{errors:?}");
    assert!(has(7, "unload_min", "actor"), "{errors:?}");
    assert!(has(8, "service_min", "site"), "{errors:?}");
    assert!(has(9, "tail_lift", "peut-être"), "{errors:?}");
    let out = boucle(&["check", "--data", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn vehicles_take_optional_week_columns_checked_with_the_row() {
    let dir = copy_geodata();
    let p = dir.path().join("vehicles.csv");
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0].push_str(",shift_start,shift_end,working_days,tail_lift");
    lines[1].push_str(",07:00,15:30,Mo-Fr,false");
    lines[2].push_str(",16:00,08:00,,");
    lines[3].push_str(",07:00,15:00,Mo-Xy,");
    for l in lines.iter_mut().skip(4) {
        l.push_str(",,,,");
    }
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    let errors = territory::check(dir.path()).errors;
    let has = |line: u32, field: &str| {
        errors
            .iter()
            .any(|e| e.contains(&format!("vehicles.csv, line {line}")) && e.contains(field))
    };
    assert!(has(3, "shift_end"), "{errors:?}");
    assert!(has(4, "working_days"), "{errors:?}");
    // The first row's columns are valid; a row in error is skipped (the manifest's defaults
    // naming its type then say so too).
    assert_eq!(
        errors
            .iter()
            .filter(|e| e.contains("vehicles.csv, line"))
            .count(),
        2,
        "{errors:?}"
    );
}
