//! Reference data: GetActiveProductOfferings, GetAllProductOfferings, GetCollections,
//! GetCountries.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::catalog::OFFERINGS;
use crate::countries::COUNTRIES;
use crate::operations::Op;
use crate::security::Principal;
use crate::state::State;
use crate::vocab::COLLECTIONS;
use connect_types::ops;
use connect_types::ops::{
    Collection, Country, GetActiveProductOfferingsResult, GetAllProductOfferingsResult,
    GetCollectionsResult, GetCountriesResult, ImageFamily, OfferingStatus, ProductOffering,
    ProductOfferingInstance, ProductOfferingType,
};
use connect_types::{MsDate, StatusCode};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::GetActiveProductOfferingsRequest>(active_offerings),
        Op::of::<ops::GetAllProductOfferingsRequest>(all_offerings),
        Op::of::<ops::GetCollectionsRequest>(collections),
        Op::of::<ops::GetCountriesRequest>(countries).body_optional(),
    ]
}

/// The offering types GetActiveProductOfferings documents.
const ACTIVE_TYPES: &[&str] = &["PremiumAccess", "EasyAccess", "EditorialSubscription"];

fn agreement_holder(p: &Principal) -> Result<&str, Fail> {
    p.user.as_deref().ok_or_else(|| {
        Fail::new(
            StatusCode::NoAgreement,
            "offerings belong to a user; this token was issued without one (client_credentials)",
        )
    })
}

/// GetActiveProductOfferings.
pub fn active_offerings(
    state: &State,
    call: &Call<'_, ops::GetActiveProductOfferingsRequest>,
) -> Result<Done, Fail> {
    let p = call.principal;
    let user = agreement_holder(p)?;
    let offerings = state
        .kept
        .accounts
        .offerings(user, state.clock.now_millis());
    if offerings.is_empty() {
        return Err(Fail::new(
            StatusCode::NoAgreement,
            format!("{user} holds no product offering"),
        ));
    }
    let mut active: Vec<ProductOffering> = Vec::new();
    for t in ACTIVE_TYPES {
        if offerings
            .iter()
            .any(|o| o.offering == *t && o.status == "Active")
        {
            active.push(ProductOffering::parse(t));
        }
    }
    Ok(Done::result(&GetActiveProductOfferingsResult {
        active_product_offerings: active,
    }))
}

/// GetAllProductOfferings.
pub fn all_offerings(
    state: &State,
    call: &Call<'_, ops::GetAllProductOfferingsRequest>,
) -> Result<Done, Fail> {
    let p = call.principal;
    let user = agreement_holder(p)?;
    let offerings = state
        .kept
        .accounts
        .offerings(user, state.clock.now_millis());
    if offerings.is_empty() {
        return Err(Fail::new(
            StatusCode::NoAgreement,
            format!("{user} holds no product offering"),
        ));
    }
    let product_offerings = offerings
        .iter()
        .map(|o| ProductOfferingInstance {
            product_offering_instance_id: Some(o.instance_id),
            application_website: Some("connect-sandbox.invalid".into()),
            product_offering_type: Some(ProductOfferingType::parse(o.kind)),
            name: Some(o.name.into()),
            download_limit: o.limit,
            download_limit_duration: o.reset.map(|_| "Month".to_owned()),
            status: Some(OfferingStatus::parse(o.status)),
            expiration_utc: Some(MsDate::from_millis(o.expires)),
            downloads_remaining: o.remaining,
            download_limit_reset_utc: o.reset.map(MsDate::from_millis),
        })
        .collect();
    Ok(Done::result(&GetAllProductOfferingsResult {
        product_offerings,
    }))
}

/// GetCollections: the collections the catalog's images use, with the license models and
/// offerings found on them.
pub fn collections(
    state: &State,
    _call: &Call<'_, ops::GetCollectionsRequest>,
) -> Result<Done, Fail> {
    let n = COLLECTIONS.len();
    let (mut used, mut rf, mut rm, mut offers) =
        (vec![false; n], vec![false; n], vec![false; n], vec![0u8; n]);
    for a in state.index.attrs.rows() {
        let c = usize::from(a.collection) % n;
        used[c] = true;
        if a.licensing() == 0 {
            rf[c] = true;
        } else {
            rm[c] = true;
        }
        offers[c] |= a.offerings();
    }
    let collections = (0..n)
        .filter(|&c| used[c])
        .map(|c| {
            let (id, name, creative) = COLLECTIONS[c];
            let license = match (rf[c], rm[c]) {
                (true, true) => "RF/RM",
                (false, true) => "RM",
                _ => "RF",
            };
            Collection {
                collection_name: Some(name.to_owned()),
                image_family: Some(if creative {
                    ImageFamily::Creative
                } else {
                    ImageFamily::Editorial
                }),
                license_model: Some(license.to_owned()),
                collection_id: Some(u64::from(id)),
                applicable_product_offerings: OFFERINGS
                    .iter()
                    .enumerate()
                    .filter(|(b, _)| offers[c] & (1 << b) != 0)
                    .map(|(_, o)| ProductOffering::parse(o))
                    .collect(),
            }
        })
        .collect();
    Ok(Done::result(&GetCollectionsResult { collections }))
}

/// GetCountries.
pub fn countries(_: &State, call: &Call<'_, ops::GetCountriesRequest>) -> Result<Done, Fail> {
    let language = call
        .request
        .language
        .as_ref()
        .map(|l| l.as_str().to_owned());
    let notice = api::language_of(language, "GetCountriesRequestBody.Language")?;
    let countries = COUNTRIES
        .iter()
        .map(|(c2, c3, name)| Country {
            country_char2_iso: Some((*c2).to_owned()),
            country_char3_iso: Some((*c3).to_owned()),
            country_name: Some((*name).to_owned()),
        })
        .collect::<Vec<_>>();
    let mut done = Done::result(&GetCountriesResult { countries });
    done.notices.extend(notice);
    Ok(done)
}
