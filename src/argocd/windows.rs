//! Argo CD's sync windows (`AppProject.spec.syncWindows`, `SyncWindows.CanSync` in
//! pkg/apis/application/v1alpha1/types.go): a window is active when its cron schedule (minute,
//! hour, day of month, month, day of week, as robfig/cron parses them) fired within the last
//! `duration`; an active deny window blocks syncs, and so do allow windows of which none is
//! active. Times are judged in UTC; a window in another `timeZone` cannot be judged here.

/// Whether the windows let an automated sync run at `now`, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No window stands in the way.
    Open,
    /// A window blocks it; the windows that do, as text.
    Blocked(Vec<String>),
    /// A window could not be judged (unreadable schedule or duration, another time zone).
    Unknown(String),
}

/// One window as written in the AppProject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window<'a> {
    /// `allow` or `deny`.
    pub kind: &'a str,
    /// Five cron fields.
    pub schedule: &'a str,
    /// Go's duration text (`8h`, `1h30m`).
    pub duration: &'a str,
    /// `timeZone` (empty: UTC).
    pub time_zone: &'a str,
}

impl Window<'_> {
    fn label(&self) -> String {
        format!("{} '{}' for {}", self.kind, self.schedule, self.duration)
    }
}

/// Go's `time.ParseDuration` for what windows use: whole hours, minutes and seconds, in minutes
/// rounded up.
fn minutes(duration: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut number = String::new();
    for c in duration.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        let seconds = match c {
            'h' => n.checked_mul(3600)?,
            'm' => n.checked_mul(60)?,
            's' => n,
            _ => return None,
        };
        total = total.checked_add(seconds)?;
    }
    (number.is_empty() && !duration.is_empty()).then_some((total + 59) / 60)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn value(text: &str, names: &[&str], offset: u32) -> Option<u32> {
    let lower = text.to_ascii_lowercase();
    match names.iter().position(|n| *n == lower) {
        Some(i) => u32::try_from(i).ok().map(|i| i + offset),
        None => text.parse().ok(),
    }
}

/// One cron field as the set of values it matches (bit i = value i), and whether it was `*`.
fn field(text: &str, low: u32, high: u32, names: &[&str], offset: u32) -> Option<(u64, bool)> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (part, 1),
        };
        let (from, to) = match range {
            "*" | "?" => (low, high),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a, names, offset)?, value(b, names, offset)?),
                None => {
                    let v = value(r, names, offset)?;
                    (v, if step > 1 { high } else { v })
                }
            },
        };
        if from < low || to > high || from > to {
            return None;
        }
        for v in (from..=to).step_by(step as usize) {
            bits |= 1 << v;
        }
    }
    Some((bits, text.starts_with('*') || text.starts_with('?')))
}

/// A parsed five-field schedule.
struct Cron {
    minute: u64,
    hour: u64,
    dom: (u64, bool),
    month: u64,
    dow: (u64, bool),
}

fn cron(schedule: &str) -> Option<Cron> {
    let parts: Vec<&str> = schedule.split_whitespace().collect();
    let [m, h, dom, mon, dow] = parts.as_slice() else {
        return None;
    };
    let (dow_bits, dow_star) = field(dow, 0, 7, &DAYS, 0)?;
    Some(Cron {
        minute: field(m, 0, 59, &[], 0)?.0,
        hour: field(h, 0, 23, &[], 0)?.0,
        dom: field(dom, 1, 31, &[], 0)?,
        month: field(mon, 1, 12, &MONTHS, 1)?.0,
        // 7 is Sunday too.
        dow: ((dow_bits | (dow_bits >> 7)) & 0x7f, dow_star),
    })
}

/// A minute since the Unix epoch as (month, day of month, hour, minute, day of week).
fn civil(minute: i64) -> (u32, u32, u32, u32, u32) {
    let days = minute.div_euclid(1440);
    let in_day = minute.rem_euclid(1440);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let weekday = (days + 4).rem_euclid(7);
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    (n(month), n(day), n(in_day / 60), n(in_day % 60), n(weekday))
}

impl Cron {
    fn matches(&self, minute: i64) -> bool {
        let (month, day, hour, min, weekday) = civil(minute);
        let bit = |set: u64, v: u32| set & (1 << v) != 0;
        let dom = bit(self.dom.0, day);
        let dow = bit(self.dow.0, weekday);
        // robfig/cron: with either day field `*`, both must match; else either may.
        let day_ok = if self.dom.1 || self.dow.1 {
            dom && dow
        } else {
            dom || dow
        };
        bit(self.minute, min) && bit(self.hour, hour) && bit(self.month, month) && day_ok
    }
}

/// Windows longer than this are not searched minute by minute (a year).
const LONGEST: i64 = 366 * 24 * 60;

/// Whether `w` is active at `now` (seconds since the epoch, UTC): its schedule fired after
/// `now - duration` and before `now`.
fn active(w: &Window, now: i64) -> Result<bool, String> {
    if !matches!(w.time_zone, "" | "UTC" | "Etc/UTC") {
        return Err(format!(
            "window {} is in time zone {}",
            w.label(),
            w.time_zone
        ));
    }
    let unreadable = || format!("window {} cannot be read", w.label());
    let schedule = cron(w.schedule).ok_or_else(unreadable)?;
    let span = minutes(w.duration).ok_or_else(unreadable)?.min(LONGEST);
    // Next(now - duration): the first whole minute strictly after it; Before(now): strictly
    // before now.
    let start = now - span * 60;
    let first = start.div_euclid(60) + 1;
    let last = (now + 59).div_euclid(60) - 1;
    Ok((first..=last).any(|m| schedule.matches(m)))
}

/// What the windows that name an Application do to an automated sync at `now`, as
/// `SyncWindows.CanSync(false)` decides.
pub fn automated_sync(windows: &[Window], now: i64) -> Verdict {
    if windows.is_empty() {
        return Verdict::Open;
    }
    let mut on = Vec::new();
    for w in windows {
        match active(w, now) {
            Ok(true) => on.push(w),
            Ok(false) => {}
            Err(e) => return Verdict::Unknown(e),
        }
    }
    let denies: Vec<String> = on
        .iter()
        .filter(|w| w.kind == "deny")
        .map(|w| w.label())
        .collect();
    if !denies.is_empty() {
        return Verdict::Blocked(denies);
    }
    let allows = windows.iter().filter(|w| w.kind == "allow");
    if on.iter().any(|w| w.kind == "allow") || allows.clone().next().is_none() {
        return Verdict::Open;
    }
    Verdict::Blocked(allows.map(|w| format!("outside {}", w.label())).collect())
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2026-12-01T09:41:02Z`), as Argo CD
/// writes its times.
pub fn parse_utc(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| text.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if mo > 2 { mo - 3 } else { mo + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w<'a>(kind: &'a str, schedule: &'a str, duration: &'a str) -> Window<'a> {
        Window {
            kind,
            schedule,
            duration,
            time_zone: "",
        }
    }

    #[test]
    fn times_read_as_argo_cd_writes_them() {
        assert_eq!(parse_utc("1970-01-01T00:00:00Z"), Some(0));
        // 2026-12-01 is a Tuesday.
        let t = parse_utc("2026-12-01T09:41:02Z").expect("time");
        assert_eq!(civil(t / 60), (12, 1, 9, 41, 2));
        assert_eq!(parse_utc("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_utc("yesterday"), None);
    }

    #[test]
    fn a_deny_window_blocks_while_it_lasts() {
        let deny = [w("deny", "0 6 * * 1-5", "12h")];
        let at = |t: &str| automated_sync(&deny, parse_utc(t).expect("time"));
        let blocked = Verdict::Blocked(vec!["deny '0 6 * * 1-5' for 12h".to_owned()]);
        assert_eq!(at("2026-12-01T09:41:02Z"), blocked);
        assert_eq!(at("2026-12-01T17:59:00Z"), blocked);
        assert_eq!(at("2026-12-01T18:00:00Z"), Verdict::Open);
        assert_eq!(at("2026-12-01T05:59:59Z"), Verdict::Open);
        // Saturday.
        assert_eq!(at("2026-12-05T09:00:00Z"), Verdict::Open);
    }

    #[test]
    fn allow_windows_block_outside_themselves() {
        let allow = [w("allow", "0 22 * * *", "2h")];
        let at = |t: &str| automated_sync(&allow, parse_utc(t).expect("time"));
        assert_eq!(at("2026-12-01T23:30:00Z"), Verdict::Open);
        assert_eq!(
            at("2026-12-01T12:00:00Z"),
            Verdict::Blocked(vec!["outside allow '0 22 * * *' for 2h".to_owned()])
        );
    }

    #[test]
    fn schedules_and_zones_it_cannot_judge_are_said() {
        let bad = [w("deny", "every day", "1h")];
        assert!(matches!(automated_sync(&bad, 0), Verdict::Unknown(_)));
        let mut zoned = w("deny", "* * * * *", "1h");
        zoned.time_zone = "Europe/Paris";
        assert_eq!(
            automated_sync(&[zoned], 0),
            Verdict::Unknown("window deny '* * * * *' for 1h is in time zone Europe/Paris".into())
        );
        assert_eq!(minutes("1h30m"), Some(90));
        assert_eq!(minutes("90"), None);
    }

    #[test]
    fn named_days_and_steps_and_either_day_field() {
        let c = cron("*/15 9-17 1 jan MON").expect("cron");
        // Thursday 2026-01-01 09:15: day of month 1 matches (either day field may).
        assert!(c.matches(parse_utc("2026-01-01T09:15:00Z").expect("t") / 60));
        // Monday 2026-01-05 09:30.
        assert!(c.matches(parse_utc("2026-01-05T09:30:00Z").expect("t") / 60));
        assert!(!c.matches(parse_utc("2026-01-06T09:30:00Z").expect("t") / 60));
        assert!(!c.matches(parse_utc("2026-01-05T09:31:00Z").expect("t") / 60));
    }
}
