//! Accounts: CreateCustomer.

use crate::operation::{Described, Empty, Operation, Security};
use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// The `CreateCustomerRequestBody`: a new customer who can then sign in.
///
/// The service requires a unique `UserName`, a `Password` longer than 3 characters that
/// differs from the user name, and a `BillingCountryChar3Iso` from GetCountries
/// (`CountryChar3ISO`). The password is a [`Secret`]: it never shows in `Debug`.
///
/// ```
/// use connect_types::ops::CreateCustomerRequest;
/// let req = CreateCustomerRequest::new("carol", "s3cret-pass", "carol@example.com", "Carol", "Ng", "USA")
///     .phone("+1 555 0100")
///     .marketing_email(false);
/// assert_eq!(req.billing_country_char3_iso, "USA");
/// assert!(!format!("{req:?}").contains("s3cret-pass"));
/// ```
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct CreateCustomerRequest {
    /// Login name; unique across the service.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub user_name: String,
    /// Login password.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub password: Secret,
    /// E-mail address.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub email_address: String,
    /// First name.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub first_name: String,
    /// Last name.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub last_name: String,
    /// Middle name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Whether the customer wants marketing e-mail (new customers start opted out).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_bool"
    )]
    pub marketing_email_opt_in: Option<bool>,
    /// Three-letter billing country code, as GetCountries lists it.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub billing_country_char3_iso: String,
}

impl CreateCustomerRequest {
    /// A customer with the required fields.
    pub fn new(
        user_name: impl Into<String>,
        password: impl Into<Secret>,
        email_address: impl Into<String>,
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        billing_country_char3_iso: impl Into<String>,
    ) -> Self {
        Self {
            user_name: user_name.into(),
            password: password.into(),
            email_address: email_address.into(),
            first_name: first_name.into(),
            last_name: last_name.into(),
            billing_country_char3_iso: billing_country_char3_iso.into(),
            ..Self::default()
        }
    }

    /// Sets the middle name.
    #[must_use]
    pub fn middle_name(mut self, name: impl Into<String>) -> Self {
        self.middle_name = Some(name.into());
        self
    }

    /// Sets the phone number.
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone_number = Some(phone.into());
        self
    }

    /// Opts in to (or explicitly out of) marketing e-mail.
    #[must_use]
    pub fn marketing_email(mut self, opt_in: bool) -> Self {
        self.marketing_email_opt_in = Some(opt_in);
        self
    }
}

impl Operation for CreateCustomerRequest {
    type Result = Empty;
    const NAME: &'static str = "CreateCustomer";
    const PATH: &'static str = "/v1/account/CreateCustomer";
    const BODY_KEY: &'static str = "CreateCustomerRequestBody";
    const RESULT_KEY: Option<&'static str> = None;
    // HTTPS only. The page accepts a standard token, but over HTTPS the SDK sends the secure
    // one, which serves every operation.
    const SECURITY: Security = Security::SecureOnly;
    const IDEMPOTENT: bool = false;
    const CHANGES_STATE: bool = true;
}

impl Described for CreateCustomerRequest {
    const METHOD: Option<&'static str> = Some("create_customer");
    const SUMMARY: &'static str = "a new customer who can then sign in.";
    const DOC: &'static str = "HTTPS only; never retried once it may have reached the server.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::CreateCustomerRequest;
let request = CreateCustomerRequest::new("carol", "a-long-password", "carol@example.com", "Carol", "Ng", "USA");
client.create_customer(&request){await}?;"#;
    fn example() -> Self {
        CreateCustomerRequest::new(
            "new-customer",
            "a-long-enough-password",
            "new-customer@example.com",
            "New",
            "Customer",
            "USA",
        )
    }
}
