//! A calendar day (`YYYY-MM-DD`), used for waiver and attestation expiry.
//!
//! The core never reads a clock: "today" is passed in by the caller.
//!
//! # Expiry
//!
//! One rule for everything that expires (waivers, vendor attestations): an expiry date is the
//! **last day** on which the thing is current. A waiver that `expires` on 2027-01-31 still
//! suppresses its finding on 2027-01-31 and no longer on 2027-02-01; the same for a SOC 2
//! report. [`is_current`] is that rule; `docs/format.md` states it for the file format.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A valid Gregorian calendar day. Orders chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting days that do not exist (`2026-02-30`).
    pub fn parse(text: &str) -> Result<Date, String> {
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(format!("expected a date as YYYY-MM-DD, found {text:?}"));
        }
        let number = |range: std::ops::Range<usize>| -> u16 {
            text[range].parse().expect("digits checked above")
        };
        let (year, month, day) = (number(0..4), number(5..7) as u8, number(8..10) as u8);
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("{text:?} is not a day of the calendar"));
        }
        Ok(Date { year, month, day })
    }

    /// The day `days` after 1970-01-01 (the caller reads the clock; this only converts).
    /// Uses Howard Hinnant's civil-from-days algorithm; clamps to years 0–9999.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days.clamp(-719_468, 2_932_896) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    pub fn year(self) -> u16 {
        self.year
    }
}

/// The expiry rule (see the module docs): current through its expiry date, inclusive.
pub fn is_current(expires: Date, today: Date) -> bool {
    today <= expires
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A UTC instant to the second, written `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339). Evidence carries
/// one; it is always passed in, never read inside the core.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    date: Date,
    seconds: u32,
}

impl Timestamp {
    /// Parses RFC 3339 in UTC (`2026-11-22T17:38:52Z`; fractional seconds are dropped; a
    /// `+00:00` offset is accepted, other offsets are refused to keep outputs canonical).
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let bad =
            || format!("expected a UTC timestamp such as 2026-11-22T17:38:52Z, found {text:?}");
        let (date, rest) = text.split_once(['T', 't']).ok_or_else(bad)?;
        let date = Date::parse(date).map_err(|_| bad())?;
        let time = rest
            .strip_suffix(['Z', 'z'])
            .or_else(|| rest.strip_suffix("+00:00"))
            .ok_or_else(bad)?;
        let time = time.split('.').next().unwrap_or(time);
        let parts: Vec<&str> = time.split(':').collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let [h, m, s] = [0, 1, 2].map(|i| parts[i].parse::<u32>().unwrap_or(99));
        if h > 23 || m > 59 || s > 60 {
            return Err(bad());
        }
        Ok(Timestamp {
            date,
            seconds: h * 3600 + m * 60 + s.min(59),
        })
    }

    /// The instant `seconds` after 1970-01-01T00:00:00Z (the caller reads the clock).
    pub fn from_unix_seconds(seconds: i64) -> Timestamp {
        Timestamp {
            date: Date::from_days_since_epoch(seconds.div_euclid(86_400)),
            seconds: seconds.rem_euclid(86_400) as u32,
        }
    }

    pub fn date(self) -> Date {
        self.date
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (
            self.seconds / 3600,
            self.seconds / 60 % 60,
            self.seconds % 60,
        );
        write!(f, "{}T{h:02}:{m:02}:{s:02}Z", self.date)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar day, YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_days() {
        let a = Date::parse("2026-12-31").unwrap();
        let b = Date::parse("2027-01-01").unwrap();
        assert!(a < b);
        assert_eq!(a.to_string(), "2026-12-31");
        assert!(Date::parse("2024-02-29").is_ok());
    }

    #[test]
    fn a_thing_is_current_through_its_expiry_day() {
        let expires = Date::parse("2027-01-31").unwrap();
        assert!(is_current(expires, Date::parse("2027-01-30").unwrap()));
        assert!(is_current(expires, expires));
        assert!(!is_current(expires, Date::parse("2027-02-01").unwrap()));
    }

    #[test]
    fn converts_days_since_the_epoch() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_414).to_string(),
            "2025-11-22"
        );
        assert_eq!(Date::from_days_since_epoch(-1).to_string(), "1969-12-31");
    }

    #[test]
    fn timestamps_round_trip_in_utc() {
        let t = Timestamp::parse("2026-11-22T17:38:52Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-22T17:38:52Z");
        assert_eq!(
            Timestamp::parse("2026-11-22T17:38:52.123+00:00").unwrap(),
            t
        );
        assert_eq!(
            Timestamp::from_unix_seconds(1_763_833_132).to_string(),
            "2025-11-22T17:38:52Z"
        );
        for bad in [
            "2026-11-22",
            "2026-11-22T17:38:52+01:00",
            "2026-11-22T25:00:00Z",
            "x",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rejects_days_that_do_not_exist() {
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-1-01",
            "26-01-01",
            "2026-01-32",
            "２０２６-01-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
