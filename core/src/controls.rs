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
    /// F12: accepted risks (waivers) are current and meaningful.
    RiskAcceptance,
}

/// Every family, in order.
pub const ALL_FAMILIES: [Family; 12] = [
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
    Family::RiskAcceptance,
];

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
            Family::RiskAcceptance => "Risk acceptance",
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
            Family::RiskAcceptance => &[
                "SOC2:CC9.1",
                "SOC2:CC3.2",
                "ISO27001:A.5.36",
                "NIST:CA-5",
                "NIST:RA-7",
                "NIST:PM-4",
            ],
        }
    }
}

/// The control ids of several families: deduplicated, grouped by framework (SOC 2, ISO 27001,
/// NIST, PCI DSS), in the families' order within a framework.
pub fn controls_of(families: &[Family]) -> Vec<String> {
    control_ids(families)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// [`controls_of`] without copying the ids.
pub fn control_ids(families: &[Family]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for family in families {
        for id in family.controls() {
            if !ids.contains(id) {
                ids.push(id);
            }
        }
    }
    ids.sort_by_key(|id| Framework::of(id));
    ids
}

/// The title of a control id used by the catalog.
#[rustfmt::skip]
pub fn control_title(id: &str) -> Option<&'static str> {
    Some(match id {
        // SOC 2 (AICPA Trust Services Criteria 2017)
        "SOC2:CC1.3" => "Management establishes structures, reporting lines, authorities and responsibilities",
        "SOC2:CC2.1" => "The entity uses relevant, quality information to support internal control",
        "SOC2:CC2.3" => "The entity communicates with external parties regarding internal control",
        "SOC2:CC3.2" => "The entity identifies and analyzes risks to the achievement of its objectives",
        "SOC2:CC3.4" => "The entity identifies and assesses changes that could impact internal control",
        "SOC2:CC6.1" => "Logical access security software, infrastructure and architectures",
        "SOC2:CC6.2" => "Registration and authorization of users before access is granted",
        "SOC2:CC6.3" => "Access is authorized, modified or removed based on roles and least privilege",
        "SOC2:CC6.6" => "Logical access security measures against threats from outside system boundaries",
        "SOC2:CC6.7" => "Transmission, movement and removal of information is restricted and protected",
        "SOC2:CC7.1" => "Detection and monitoring procedures identify configuration changes and vulnerabilities",
        "SOC2:CC7.2" => "System components are monitored for anomalies indicative of malicious acts",
        "SOC2:CC7.3" => "Security events are evaluated to determine whether they are incidents",
        "SOC2:CC8.1" => "Changes to infrastructure, data, software and procedures are authorized and tested",
        "SOC2:CC9.1" => "Risk mitigation activities for risks arising from potential business disruptions",
        "SOC2:CC9.2" => "Risks associated with vendors and business partners are assessed and managed",
        "SOC2:C1.1" => "Confidential information is identified and maintained to meet confidentiality objectives",
        "SOC2:P3.1" => "Personal information is collected consistent with the entity's privacy objectives",
        "SOC2:P4.1" => "Personal information is used consistent with the entity's privacy objectives",
        "SOC2:P6.1" => "Personal information is disclosed to third parties with consent and per objectives",
        "SOC2:P6.2" => "Authorized disclosures of personal information are recorded",
        // ISO/IEC 27001:2022 Annex A
        "ISO27001:A.5.2" => "Information security roles and responsibilities",
        "ISO27001:A.5.9" => "Inventory of information and other associated assets",
        "ISO27001:A.5.12" => "Classification of information",
        "ISO27001:A.5.13" => "Labelling of information",
        "ISO27001:A.5.14" => "Information transfer",
        "ISO27001:A.5.15" => "Access control",
        "ISO27001:A.5.17" => "Authentication information",
        "ISO27001:A.5.19" => "Information security in supplier relationships",
        "ISO27001:A.5.20" => "Addressing information security within supplier agreements",
        "ISO27001:A.5.22" => "Monitoring, review and change management of supplier services",
        "ISO27001:A.5.23" => "Information security for use of cloud services",
        "ISO27001:A.5.31" => "Legal, statutory, regulatory and contractual requirements",
        "ISO27001:A.5.34" => "Privacy and protection of PII",
        "ISO27001:A.5.36" => "Compliance with policies, rules and standards for information security",
        "ISO27001:A.8.5" => "Secure authentication",
        "ISO27001:A.8.8" => "Management of technical vulnerabilities",
        "ISO27001:A.8.10" => "Information deletion",
        "ISO27001:A.8.11" => "Data masking",
        "ISO27001:A.8.12" => "Data leakage prevention",
        "ISO27001:A.8.15" => "Logging",
        "ISO27001:A.8.16" => "Monitoring activities",
        "ISO27001:A.8.20" => "Networks security",
        "ISO27001:A.8.21" => "Security of network services",
        "ISO27001:A.8.22" => "Segregation of networks",
        "ISO27001:A.8.24" => "Use of cryptography",
        "ISO27001:A.8.33" => "Test information",
        // NIST SP 800-53 Rev. 5
        "NIST:AC-3" => "Access Enforcement",
        "NIST:AC-4" => "Information Flow Enforcement",
        "NIST:AC-20" => "Use of External Systems",
        "NIST:AC-21" => "Information Sharing",
        "NIST:AU-2" => "Event Logging",
        "NIST:AU-3" => "Content of Audit Records",
        "NIST:AU-3(3)" => "Content of Audit Records | Limit Personally Identifiable Information Elements",
        "NIST:AU-12" => "Audit Record Generation",
        "NIST:CA-3" => "Information Exchange",
        "NIST:CA-5" => "Plan of Action and Milestones",
        "NIST:CA-7" => "Continuous Monitoring",
        "NIST:CA-9" => "Internal System Connections",
        "NIST:CM-8" => "System Component Inventory",
        "NIST:CM-8(4)" => "System Component Inventory | Accountability Information",
        "NIST:CM-12" => "Information Location",
        "NIST:CM-13" => "Data Action Mapping",
        "NIST:IA-2" => "Identification and Authentication (Organizational Users)",
        "NIST:IA-3" => "Device Identification and Authentication",
        "NIST:IA-9" => "Service Identification and Authentication",
        "NIST:PM-4" => "Plan of Action and Milestones Process",
        "NIST:PM-5" => "System Inventory",
        "NIST:PM-5(1)" => "System Inventory | Inventory of Personally Identifiable Information",
        "NIST:PM-25" => "Minimization of PII Used in Testing, Training, and Research",
        "NIST:RA-2" => "Security Categorization",
        "NIST:RA-5" => "Vulnerability Monitoring and Scanning",
        "NIST:RA-7" => "Risk Response",
        "NIST:SA-8(33)" => "Security and Privacy Engineering Principles | Minimization",
        "NIST:SA-9" => "External System Services",
        "NIST:SA-9(5)" => "External System Services | Processing, Storage, and Service Location",
        "NIST:SC-7" => "Boundary Protection",
        "NIST:SC-7(5)" => "Boundary Protection | Deny by Default — Allow by Exception",
        "NIST:SC-8" => "Transmission Confidentiality and Integrity",
        "NIST:SC-8(1)" => "Transmission Confidentiality and Integrity | Cryptographic Protection",
        "NIST:SC-12" => "Cryptographic Key Establishment and Management",
        "NIST:SC-13" => "Cryptographic Protection",
        "NIST:SC-23" => "Session Authenticity",
        "NIST:SC-28" => "Protection of Information at Rest",
        "NIST:SC-28(1)" => "Protection of Information at Rest | Cryptographic Protection",
        "NIST:SI-2" => "Flaw Remediation",
        "NIST:SI-4" => "System Monitoring",
        "NIST:SI-12(1)" => "Information Management and Retention | Limit Personally Identifiable Information Elements",
        "NIST:SR-6" => "Supplier Assessments and Reviews",
        // PCI DSS v4.0
        "PCI:1.2.4" => "An accurate data-flow diagram is maintained",
        "PCI:1.3.1" => "Inbound traffic to the CDE is restricted",
        "PCI:1.4.1" => "NSCs are implemented between trusted and untrusted networks",
        "PCI:3.2.1" => "Account data storage is kept to a minimum",
        "PCI:3.3.1" => "SAD is not retained after authorization",
        "PCI:3.5.1" => "PAN is rendered unreadable anywhere it is stored",
        "PCI:4.2.1" => "Strong cryptography protects PAN during transmission over open, public networks",
        "PCI:10.2.1" => "Audit logs are enabled and active for all system components",
        "PCI:12.8.1" => "A list of third-party service providers is maintained",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_id_names_a_known_framework() {
        for family in ALL_FAMILIES {
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
    fn every_control_has_a_title() {
        for family in ALL_FAMILIES {
            for id in family.controls() {
                assert!(control_title(id).is_some(), "{id} has no title");
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
