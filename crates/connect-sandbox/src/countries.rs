//! The country list of GetCountries, which CreateCustomer's `BillingCountryChar3Iso` is checked
//! against. ISO 3166-1 codes; names in English whatever the requested language.

/// `(alpha-2, alpha-3, English name)`.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("AR", "ARG", "Argentina"),
    ("AU", "AUS", "Australia"),
    ("AT", "AUT", "Austria"),
    ("BE", "BEL", "Belgium"),
    ("BR", "BRA", "Brazil"),
    ("CA", "CAN", "Canada"),
    ("CL", "CHL", "Chile"),
    ("CN", "CHN", "China"),
    ("DK", "DNK", "Denmark"),
    ("EG", "EGY", "Egypt"),
    ("FI", "FIN", "Finland"),
    ("FR", "FRA", "France"),
    ("DE", "DEU", "Germany"),
    ("GR", "GRC", "Greece"),
    ("HK", "HKG", "Hong Kong"),
    ("IN", "IND", "India"),
    ("IE", "IRL", "Ireland"),
    ("IL", "ISR", "Israel"),
    ("IT", "ITA", "Italy"),
    ("JP", "JPN", "Japan"),
    ("KR", "KOR", "Korea, Republic of"),
    ("MX", "MEX", "Mexico"),
    ("NL", "NLD", "Netherlands"),
    ("NZ", "NZL", "New Zealand"),
    ("NO", "NOR", "Norway"),
    ("PL", "POL", "Poland"),
    ("PT", "PRT", "Portugal"),
    ("RU", "RUS", "Russian Federation"),
    ("SG", "SGP", "Singapore"),
    ("ZA", "ZAF", "South Africa"),
    ("ES", "ESP", "Spain"),
    ("SE", "SWE", "Sweden"),
    ("CH", "CHE", "Switzerland"),
    ("TR", "TUR", "Turkey"),
    ("AE", "ARE", "United Arab Emirates"),
    ("GB", "GBR", "United Kingdom"),
    ("US", "USA", "United States"),
];

/// Whether `code` is a listed three-letter code (any casing).
pub fn known_char3(code: &str) -> bool {
    COUNTRIES
        .iter()
        .any(|(_, c3, _)| c3.eq_ignore_ascii_case(code.trim()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for (c2, c3, name) in super::COUNTRIES {
            assert_eq!(c2.len(), 2, "{name}");
            assert_eq!(c3.len(), 3, "{name}");
            assert!(seen.insert(*c3), "{c3}");
        }
        assert!(super::known_char3("usa"));
        assert!(!super::known_char3("XXX"));
    }
}
