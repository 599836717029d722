//! Data classes: the built-in taxonomy, the model's own classes, and sets of classes as bitsets.

use crate::model::{DataClass, Model, Regime};

/// The most classes a model can use (built-in plus its own): one bit each in a [`ClassSet`].
pub const MAX_CLASSES: usize = 128;

/// Tier at and above which a class is sensitive.
pub const SENSITIVE_TIER: u8 = 3;

/// The built-in taxonomy, as `docs/format.md` lists it.
pub fn builtin_classes() -> Vec<DataClass> {
    let class = |id: &str,
                 name: &str,
                 tier: u8,
                 personal: bool,
                 regime: Option<Regime>,
                 never_store: bool| DataClass {
        id: id.to_owned(),
        name: name.to_owned(),
        tier,
        personal,
        regime,
        never_store,
        residency: Vec::new(),
        description: None,
        consumed_at_hop: false,
    };
    // Classes a hop consumes rather than forwards (see `DataClass::consumed_at_hop`).
    let consumed = |mut class: DataClass, description: &str| {
        class.consumed_at_hop = true;
        class.description = Some(description.to_owned());
        class
    };
    vec![
        class("public", "Public", 0, false, None, false),
        class("internal", "Internal", 1, false, None, false),
        class("telemetry", "Telemetry", 1, false, None, false),
        class("confidential", "Confidential", 2, false, None, false),
        class("audit-log", "Audit log", 2, false, None, false),
        class(
            "personal",
            "Personal data",
            3,
            true,
            Some(Regime::Gdpr),
            false,
        ),
        class("financial", "Financial data", 3, true, None, false),
        class(
            "gov-id",
            "Government id",
            4,
            true,
            Some(Regime::Gdpr),
            false,
        ),
        class(
            "children",
            "Children's data",
            4,
            true,
            Some(Regime::Gdpr),
            false,
        ),
        class(
            "special-category",
            "Special-category data",
            5,
            true,
            Some(Regime::Gdpr),
            false,
        ),
        class(
            "phi",
            "Protected health information",
            5,
            true,
            Some(Regime::Hipaa),
            false,
        ),
        class(
            "cardholder",
            "Cardholder data",
            5,
            true,
            Some(Regime::Pci),
            false,
        ),
        consumed(
            class(
                "credentials",
                "Credentials and secrets",
                6,
                false,
                None,
                false,
            ),
            "Passwords, API keys, private keys. The node that receives them uses them and does \
             not pass them on: propagation stops there unless a flow out declares them.",
        ),
        class(
            "sad",
            "Sensitive authentication data",
            6,
            false,
            Some(Regime::Pci),
            true,
        ),
        // Last, so that the classes above keep their indexes.
        consumed(
            class("session-token", "Session tokens", 6, false, None, false),
            "Bearer tokens and session cookies: whoever holds one acts as the user while it is \
             valid. The node that validates one does not pass it on: propagation stops there \
             unless a flow out declares it.",
        ),
    ]
}

/// A set of data classes, one bit per class index of a [`Taxonomy`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ClassSet(u128);

impl ClassSet {
    pub const EMPTY: ClassSet = ClassSet(0);

    pub fn single(index: usize) -> ClassSet {
        ClassSet(1u128 << index)
    }
    pub fn contains(self, index: usize) -> bool {
        self.0 & (1u128 << index) != 0
    }
    pub fn insert(&mut self, index: usize) {
        self.0 |= 1u128 << index;
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn union(self, other: ClassSet) -> ClassSet {
        ClassSet(self.0 | other.0)
    }
    pub fn intersection(self, other: ClassSet) -> ClassSet {
        ClassSet(self.0 & other.0)
    }
    pub fn difference(self, other: ClassSet) -> ClassSet {
        ClassSet(self.0 & !other.0)
    }
    pub fn intersects(self, other: ClassSet) -> bool {
        self.0 & other.0 != 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// Class indexes in ascending order.
    pub fn iter(self) -> impl Iterator<Item = usize> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let index = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            Some(index)
        })
    }
}

/// The classes a model can use: the built-ins, then the model's own, each with a bit index.
/// Built-ins keep their index when a model redefines them.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    classes: Vec<DataClass>,
    /// `by_id` sorted by id for lookup.
    by_id: Vec<(String, usize)>,
}

impl Taxonomy {
    /// Builds the taxonomy of a loaded model (the loader has checked the class limit and ids).
    pub fn of(model: &Model) -> Taxonomy {
        let mut classes = builtin_classes();
        for own in &model.classes {
            match classes.iter_mut().find(|c| c.id == own.id) {
                Some(builtin) => *builtin = own.clone(),
                None => classes.push(own.clone()),
            }
        }
        classes.truncate(MAX_CLASSES);
        let mut by_id: Vec<(String, usize)> = classes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        by_id.sort();
        Taxonomy { classes, by_id }
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.by_id
            .binary_search_by(|(candidate, _)| candidate.as_str().cmp(id))
            .ok()
            .map(|at| self.by_id[at].1)
    }

    pub fn class(&self, index: usize) -> &DataClass {
        &self.classes[index]
    }

    pub fn classes(&self) -> &[DataClass] {
        &self.classes
    }

    /// The set of the given class ids; ids the taxonomy does not know are skipped (the loader
    /// has already rejected them).
    pub fn set<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> ClassSet {
        let mut set = ClassSet::EMPTY;
        for index in ids.into_iter().filter_map(|id| self.index(id)) {
            set.insert(index);
        }
        set
    }

    /// Every class matching a predicate.
    pub fn set_where(&self, predicate: impl Fn(&DataClass) -> bool) -> ClassSet {
        let mut set = ClassSet::EMPTY;
        for (index, class) in self.classes.iter().enumerate() {
            if predicate(class) {
                set.insert(index);
            }
        }
        set
    }

    /// Class ids of a set, in taxonomy order, for messages.
    pub fn ids(&self, set: ClassSet) -> Vec<&str> {
        set.iter().map(|i| self.classes[i].id.as_str()).collect()
    }

    /// The highest tier in a set, if any.
    pub fn max_tier(&self, set: ClassSet) -> Option<u8> {
        set.iter().map(|i| self.classes[i].tier).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_match_the_format_document() {
        let classes = builtin_classes();
        assert_eq!(classes.len(), 15);
        let consumed: Vec<&str> = classes
            .iter()
            .filter(|c| c.consumed_at_hop)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(consumed, ["credentials", "session-token"]);
        let sensitive: Vec<&str> = classes
            .iter()
            .filter(|c| c.tier >= SENSITIVE_TIER)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(
            sensitive,
            [
                "personal",
                "financial",
                "gov-id",
                "children",
                "special-category",
                "phi",
                "cardholder",
                "credentials",
                "sad",
                "session-token"
            ]
        );
    }

    #[test]
    fn class_sets_behave_like_sets() {
        let mut a = ClassSet::single(3);
        a.insert(100);
        let b = ClassSet::single(100);
        assert!(a.contains(100) && a.intersects(b));
        assert_eq!(a.difference(b).iter().collect::<Vec<_>>(), [3]);
        assert_eq!(a.union(ClassSet::single(0)).len(), 3);
    }

    #[test]
    fn a_model_class_redefines_a_builtin_in_place() {
        let mut model = Model::default();
        model.classes.push(DataClass {
            id: "personal".into(),
            name: "Personal data (EU only)".into(),
            tier: 3,
            personal: true,
            regime: None,
            never_store: false,
            residency: vec!["eu-west-1".into()],
            description: None,
            consumed_at_hop: false,
        });
        let taxonomy = Taxonomy::of(&model);
        let index = taxonomy.index("personal").unwrap();
        assert_eq!(index, 5);
        assert_eq!(taxonomy.class(index).residency, ["eu-west-1"]);
        assert_eq!(taxonomy.classes().len(), 15);
    }
}
