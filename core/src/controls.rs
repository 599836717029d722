//! Control families and their mappings to SOC 2, ISO/IEC 27001:2022, NIST SP 800-53 r5 and
//! PCI DSS v4.0: data, not code. Rules name families; findings carry the families' control ids.

/// A compliance framework, in the order evidence lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Soc2,
    Iso27001,
    Nist80053,
    PciDss,
}

impl Framework {
    /// The prefix of control ids: `SOC2:CC6.7`.
    pub fn prefix(self) -> &'static str {
        match self {
            Framework::Soc2 => "SOC2",
            Framework::Iso27001 => "ISO27001",
            Framework::Nist80053 => "NIST",
            Framework::PciDss => "PCI",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Framework::Soc2 => "SOC 2 (AICPA TSC 2017, 2022 points of focus)",
            Framework::Iso27001 => "ISO/IEC 27001:2022 Annex A",
            Framework::Nist80053 => "NIST SP 800-53 Rev. 5",
            Framework::PciDss => "PCI DSS v4.0",
        }
    }

    pub fn of(control_id: &str) -> Option<Framework> {
        let prefix = control_id.split(':').next()?;
        [
            Framework::Soc2,
            Framework::Iso27001,
            Framework::Nist80053,
            Framework::PciDss,
        ]
        .into_iter()
        .find(|f| f.prefix() == prefix)
    }
}

/// A family of controls that rules test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// F1
    EncryptionInTransit,
    /// F2
    EncryptionAtRest,
    /// F3
    Logging,
    /// F4
    BoundaryProtection,
    /// F5
    Authentication,
    /// F6
    ThirdParties,
    /// F7
    Minimisation,
    /// F8
    Residency,
    /// F9
    Ownership,
    /// F10
    Inventory,
    /// F11
    VulnerabilityManagement,
}

impl Family {
    pub fn title(self) -> &'static str {
        match self {
            Family::EncryptionInTransit => "Encryption in transit",
            Family::EncryptionAtRest => "Encryption at rest",
            Family::Logging => "Logging and monitoring",
            Family::BoundaryProtection => "Boundary protection",
            Family::Authentication => "Authentication",
            Family::ThirdParties => "Third parties",
            Family::Minimisation => "Data minimisation",
            Family::Residency => "Data residency",
            Family::Ownership => "Ownership",
            Family::Inventory => "Inventory completeness",
            Family::VulnerabilityManagement => "Vulnerability management",
        }
    }

    /// Control ids, framework-prefixed, SOC 2 first.
    pub fn controls(self) -> &'static [&'static str] {
        match self {
            Family::EncryptionInTransit => &[
                "SOC2:CC6.7",
                "SOC2:CC6.1",
                "SOC2:C1.1",
                "ISO27001:A.8.24",
                "ISO27001:A.5.14",
                "ISO27001:A.8.20",
                "NIST:SC-8",
                "NIST:SC-8(1)",
                "NIST:SC-13",
                "PCI:4.2.1",
            ],
            Family::EncryptionAtRest => &[
                "SOC2:CC6.1",
                "SOC2:C1.1",
                "ISO27001:A.8.24",
                "NIST:SC-28",
                "NIST:SC-28(1)",
                "NIST:SC-12",
                "PCI:3.5.1",
            ],
            Family::Logging => &[
                "SOC2:CC7.2",
                "SOC2:CC7.1",
                "SOC2:CC7.3",
                "ISO27001:A.8.15",
                "ISO27001:A.8.16",
                "NIST:AU-2",
                "NIST:AU-3",
                "NIST:AU-12",
                "NIST:SI-4",
                "NIST:CA-7",
                "PCI:10.2.1",
            ],
            Family::BoundaryProtection => &[
                "SOC2:CC6.6",
                "SOC2:CC6.1",
                "ISO27001:A.8.20",
                "ISO27001:A.8.21",
                "ISO27001:A.8.22",
                "NIST:SC-7",
                "NIST:SC-7(5)",
                "NIST:AC-4",
                "NIST:CA-9",
                "NIST:CA-3",
                "PCI:1.3.1",
                "PCI:1.4.1",
            ],
            Family::Authentication => &[
                "SOC2:CC6.1",
                "SOC2:CC6.2",
                "SOC2:CC6.3",
                "SOC2:CC6.6",
                "ISO27001:A.8.5",
                "ISO27001:A.5.15",
                "ISO27001:A.5.17",
                "NIST:IA-2",
                "NIST:IA-3",
                "NIST:IA-9",
                "NIST:AC-3",
                "NIST:SC-23",
            ],
            Family::ThirdParties => &[
                "SOC2:CC9.2",
                "SOC2:CC3.2",
                "SOC2:P6.1",
                "SOC2:P6.2",
                "ISO27001:A.5.19",
                "ISO27001:A.5.20",
                "ISO27001:A.5.22",
                "ISO27001:A.5.23",
                "ISO27001:A.5.34",
                "NIST:SA-9",
                "NIST:CA-3",
                "NIST:AC-20",
                "NIST:AC-21",
                "NIST:SR-6",
                "PCI:12.8.1",
            ],
            Family::Minimisation => &[
                "SOC2:CC8.1",
                "SOC2:P3.1",
                "SOC2:P4.1",
                "SOC2:C1.1",
                "ISO27001:A.5.34",
                "ISO27001:A.8.10",
                "ISO27001:A.8.11",
                "ISO27001:A.8.12",
                "ISO27001:A.8.33",
                "NIST:SA-8(33)",
                "NIST:SI-12(1)",
                "NIST:AU-3(3)",
                "NIST:PM-25",
                "PCI:3.2.1",
                "PCI:3.3.1",
            ],
            Family::Residency => &[
                "SOC2:CC2.1",
                "SOC2:CC3.4",
                "ISO27001:A.5.31",
                "ISO27001:A.5.23",
                "ISO27001:A.5.34",
                "NIST:SA-9(5)",
                "NIST:CM-12",
                "NIST:AC-4",
            ],
            Family::Ownership => &[
                "SOC2:CC1.3",
                "SOC2:CC2.1",
                "SOC2:CC9.2",
                "ISO27001:A.5.9",
                "ISO27001:A.5.2",
                "NIST:CM-8(4)",
            ],
            Family::Inventory => &[
                "SOC2:CC2.1",
                "SOC2:CC6.1",
                "SOC2:CC7.1",
                "SOC2:CC2.3",
                "ISO27001:A.5.9",
                "ISO27001:A.5.12",
                "ISO27001:A.5.13",
                "NIST:CM-8",
                "NIST:PM-5",
                "NIST:PM-5(1)",
                "NIST:CM-13",
                "NIST:RA-2",
                "PCI:1.2.4",
            ],
            Family::VulnerabilityManagement => &[
                "SOC2:CC7.1",
                "SOC2:CC8.1",
                "ISO27001:A.8.8",
                "NIST:RA-5",
                "NIST:SI-2",
            ],
        }
    }
}

/// The control ids of several families: deduplicated, grouped by framework (SOC 2, ISO 27001,
/// NIST, PCI DSS), in the families' order within a framework.
pub fn controls_of(families: &[Family]) -> Vec<String> {
    let mut ids: Vec<&'static str> = Vec::new();
    for family in families {
        for id in family.controls() {
            if !ids.contains(id) {
                ids.push(id);
            }
        }
    }
    ids.sort_by_key(|id| Framework::of(id));
    ids.into_iter().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_id_names_a_known_framework() {
        let all = [
            Family::EncryptionInTransit,
            Family::EncryptionAtRest,
            Family::Logging,
            Family::BoundaryProtection,
            Family::Authentication,
            Family::ThirdParties,
            Family::Minimisation,
            Family::Residency,
            Family::Ownership,
            Family::Inventory,
            Family::VulnerabilityManagement,
        ];
        for family in all {
            assert!(
                family.controls().iter().any(|c| c.starts_with("SOC2:")),
                "{family:?} has no SOC 2 control"
            );
            for id in family.controls() {
                assert!(Framework::of(id).is_some(), "{id}");
            }
        }
    }

    #[test]
    fn controls_of_groups_by_framework_and_dedups() {
        let ids = controls_of(&[Family::EncryptionInTransit, Family::BoundaryProtection]);
        assert_eq!(
            &ids[..4],
            ["SOC2:CC6.7", "SOC2:CC6.1", "SOC2:C1.1", "SOC2:CC6.6"]
        );
        assert_eq!(ids.iter().filter(|c| *c == "SOC2:CC6.1").count(), 1);
        assert_eq!(ids.last().unwrap(), "PCI:1.4.1");
    }
}
