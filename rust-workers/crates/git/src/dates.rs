//! Calendar dates (UTC) of epoch seconds, for activity periods and answers; no time-zone data.

/// `(year, month, day)` of a day number since 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `YYYY-MM-DD` (UTC) of epoch seconds.
pub fn day(seconds: i64) -> String {
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DDTHH:MM:SSZ` of epoch seconds.
pub fn timestamp(seconds: i64) -> String {
    let rest = seconds.rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}Z", day(seconds), rest / 3600, rest % 3600 / 60, rest % 60)
}

/// How activity is bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    #[default]
    Month,
    Year,
}

/// The period (UTC) that holds epoch seconds: `2026-12-07`, `2026-12` or `2026`.
pub fn period(seconds: i64, interval: Interval) -> String {
    let (y, m, _) = civil_from_days(seconds.div_euclid(86_400));
    match interval {
        Interval::Day => day(seconds),
        Interval::Month => format!("{y:04}-{m:02}"),
        Interval::Year => format!("{y:04}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_agree_with_gnu_date() {
        // `date -u -d @1796651965 +%FT%TZ` prints 2026-12-07T13:59:25Z
        assert_eq!(timestamp(1_796_651_965), "2026-12-07T13:59:25Z");
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        // `date -u -d @951782400 +%F` (a leap day) prints 2000-02-29
        assert_eq!(day(951_782_400), "2000-02-29");
        assert_eq!(period(951_782_400, Interval::Month), "2000-02");
        assert_eq!(period(951_782_400, Interval::Year), "2000");
    }
}
