//! The whole "what parcel, which methods, which carton" answer in one call: the
//! composition a CLI, a batch job and a CheckDimensions service all need, so none of
//! them re-assembles it (and none does it differently).

use courier_rules::catalogue::Carton;
use courier_rules::limits::DeliveryMethod;

use super::{choose_carton, packing_from, solve, CartonChoice, Goods, Item, MethodVerdict};
use super::{PackError, PackOptions, Packing};

/// The answer of [`check_parcel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelCheck {
    /// The smallest parcel the goods make, with every unit's placement.
    pub packing: Packing,
    /// A verdict per delivery method, when methods were given (in their order).
    pub methods: Option<Vec<MethodVerdict>>,
    /// When a catalogue was given: the cheapest carton that holds the goods, `None`
    /// inside when no carton of the catalogue does.
    pub carton: Option<Option<CartonChoice>>,
}

/// Packs the goods ([`super::pack`]), then, if given, checks them against each delivery
/// method's limits ([`super::check_methods`]) and chooses a carton ([`choose_carton`]),
/// searching the smallest box once for both.
///
/// ```
/// use courier_engine::packing::{check_parcel, Item, PackOptions};
/// let book = Item::new(300, 200, 30, 500, 2);
/// let check = check_parcel(&[book], None, None, &PackOptions::default()).unwrap();
/// assert_eq!(check.packing.height_mm, 60);
/// assert!(check.methods.is_none() && check.carton.is_none());
/// ```
pub fn check_parcel(
    items: &[Item],
    methods: Option<&[DeliveryMethod]>,
    cartons: Option<&[Carton]>,
    opts: &PackOptions,
) -> Result<ParcelCheck, PackError> {
    // One search for the smallest box serves the packing and every method.
    let goods = Goods::new(items)?;
    let (found, optimal) = solve(&goods, opts);
    let packing = packing_from(&goods, &found, optimal);
    let methods = methods
        .map(|m| super::methods::verdicts(&goods, &found, m, opts))
        .transpose()?;
    let carton = cartons.map(|c| choose_carton(items, c, opts)).transpose()?;
    Ok(ParcelCheck {
        packing,
        methods,
        carton,
    })
}
