//! Building token requests: the OAuth2 grant forms and the CreateSession / RenewSession
//! envelopes, one per [`Grant`] and credential kind.

use super::*;

impl TokenMachine {
    pub(super) fn build(
        &self,
        endpoints: &Endpoints,
        grant: Grant,
        current: Option<&TokenSet>,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        match (&self.credentials, grant) {
            (Credentials::AccessToken { .. }, _) => Err(Error::auth(
                "the access token has expired or was refused, and an access token obtained \
                 elsewhere cannot be renewed; obtain a new one (for example with the implicit grant)",
            )),
            (
                Credentials::Session {
                    system_id,
                    system_password,
                    user_name,
                    user_password,
                },
                Grant::CreateSession,
            ) => {
                let body = CreateSessionRequest {
                    system_id: system_id.clone(),
                    system_password: system_password.clone(),
                    user_name: user_name.clone(),
                    user_password: user_password.clone(),
                };
                envelope_request(endpoints, &body, None, self.coordination_id.clone())
            }
            (
                Credentials::Session {
                    system_id,
                    system_password,
                    ..
                },
                Grant::RenewSession,
            ) => {
                let body = RenewSessionRequest {
                    system_id: system_id.clone(),
                    system_password: system_password.clone(),
                };
                envelope_request(
                    endpoints,
                    &body,
                    current.map(|c| c.secure.clone()),
                    self.coordination_id.clone(),
                )
            }
            (
                Credentials::ClientCredentials {
                    client_id,
                    client_secret,
                }
                | Credentials::ResourceOwner {
                    client_id,
                    client_secret,
                    ..
                }
                | Credentials::RefreshToken {
                    client_id,
                    client_secret,
                    ..
                },
                _,
            ) => {
                let form = match (&self.credentials, grant) {
                    (
                        Credentials::ResourceOwner {
                            username, password, ..
                        },
                        Grant::Password,
                    ) => TokenRequest::Password {
                        client_id: client_id.clone(),
                        client_secret: client_secret.clone(),
                        username: username.clone(),
                        password: password.clone(),
                    },
                    (_, Grant::RefreshToken) => TokenRequest::RefreshToken {
                        client_id: client_id.clone(),
                        client_secret: client_secret.clone(),
                        refresh_token: self
                            .refresh_token
                            .clone()
                            .ok_or_else(|| Error::auth("no refresh token is held; log in again"))?,
                    },
                    _ => TokenRequest::ClientCredentials {
                        client_id: client_id.clone(),
                        client_secret: client_secret.clone(),
                    },
                };
                let (url, _) =
                    endpoints.url(Security::None, TOKEN_PATH, "the OAuth2 token request")?;
                http::Request::post(url)
                    .header(
                        http::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .header(http::header::ACCEPT, "application/json")
                    .body(form.to_form().into_bytes())
                    .map_err(|e| Error::Config(format!("invalid token endpoint URL: {e}")))
            }
            (Credentials::Session { .. }, _) => {
                Err(Error::auth("internal: no such grant for a legacy session"))
            }
        }
    }
}

fn envelope_request<O: Operation>(
    endpoints: &Endpoints,
    body: &O,
    token: Option<Secret>,
    coordination_id: Option<String>,
) -> Result<http::Request<Vec<u8>>, Error> {
    let (url, _) = endpoints.url(O::SECURITY, O::PATH, O::NAME)?;
    let header = RequestHeader {
        token,
        coordination_id,
        ..RequestHeader::default()
    };
    http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::ACCEPT, "application/json")
        .body(connect_types::encode_request(&header, body))
        .map_err(|e| Error::Config(format!("invalid base URL: {e}")))
}
