//! CreateCustomer: a new user who can then sign in (password grant, CreateSession).

use super::Call;
use crate::api::{self, Done, Fail};
use crate::countries::known_char3;
use crate::operations::Op;
use crate::state::State;
use crate::store::accounts::Customer;
use connect_types::StatusCode;
use connect_types::ops;

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![Op::of::<ops::CreateCustomerRequest>(create).any_token_over_https()]
}

/// Passwords must be longer than this many characters.
const MIN_PASSWORD_LEN: usize = 3;

/// CreateCustomer.
pub fn create(state: &State, call: &Call<'_, ops::CreateCustomerRequest>) -> Result<Done, Fail> {
    let req = call.raw;
    let key = "CreateCustomerRequestBody";
    let b = &req.body;
    let field = |name: &str| api::req_str(b, name, &format!("{key}.{name}"));
    let user_name = field("UserName")?.trim().to_owned();
    let password = field("Password")?;
    field("EmailAddress")?;
    field("FirstName")?;
    field("LastName")?;
    let country = field("BillingCountryChar3Iso")?;
    api::opt_bool(
        b,
        "MarketingEmailOptIn",
        &format!("{key}.MarketingEmailOptIn"),
    )?;
    if password.chars().count() <= MIN_PASSWORD_LEN {
        return Err(Fail::new(
            StatusCode::PasswordTooShort,
            format!("{key}.Password must be longer than {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if password.eq_ignore_ascii_case(&user_name) {
        return Err(Fail::new(
            StatusCode::UsernameEqualsPassword,
            format!("{key}.Password must differ from the user name"),
        ));
    }
    let taken = state
        .config
        .credentials
        .users
        .iter()
        .any(|u| u.name.eq_ignore_ascii_case(&user_name))
        || state.kept.accounts.customer_exists(&user_name);
    if taken {
        return Err(Fail::new(
            StatusCode::DuplicateUsername,
            format!("the user name {user_name:?} is taken"),
        ));
    }
    if !known_char3(&country) {
        return Err(Fail::new(
            StatusCode::FailedToCreateCustomer,
            format!(
                "{key}.BillingCountryChar3Iso {country:?} is not a code GetCountries lists (CountryChar3ISO)"
            ),
        ));
    }
    let created = state.kept.accounts.add_customer(Customer {
        user_name: user_name.clone(),
        password,
    });
    if !created {
        // Another call took the name meanwhile, or the sandbox's customer cap is reached.
        return Err(Fail::new(
            StatusCode::FailedToCreateCustomer,
            format!(
                "the customer {user_name:?} could not be created (name taken or the sandbox holds its maximum of customers)"
            ),
        ));
    }
    Ok(Done::empty())
}
