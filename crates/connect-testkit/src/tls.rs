//! One certificate authority and one server certificate (for `127.0.0.1` and `localhost`) per
//! test process, shared by every hostile server, so a client that trusts one trusts them all:
//! a redirect to "another host" must be followable over TLS for a leak to be observable.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::{Arc, OnceLock};

pub(crate) struct Material {
    pub ca_pem: String,
    pub config: Arc<rustls::ServerConfig>,
}

static MATERIAL: OnceLock<Result<Material, String>> = OnceLock::new();

pub(crate) fn material() -> Result<&'static Material, String> {
    MATERIAL
        .get_or_init(generate)
        .as_ref()
        .map_err(Clone::clone)
}

fn generate() -> Result<Material, String> {
    let err = |e: &dyn std::fmt::Display| format!("test certificate: {e}");
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(|e| err(&e))?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "connect-testkit CA");
    ca.distinguished_name = name;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(|e| err(&e))?;
    let ca_cert = ca.self_signed(&ca_key).map_err(|e| err(&e))?;
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .map_err(|e| err(&e))?;
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    let leaf_key = KeyPair::generate().map_err(|e| err(&e))?;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(|e| err(&e))?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = provider();
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| err(&e))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Material {
        ca_pem: ca_cert.pem(),
        config: Arc::new(config),
    })
}

/// The crypto provider of the TLS listener: the process default when the program installed
/// one, else *ring*, the house's one crypto stack (the clients' ureq and reqwest use it too).
/// rustls 0.23.48 deprecates `ring::default_provider` for its lack of post-quantum key exchange;
/// for a listener on loopback with a throwaway certificate that costs nothing, and taking
/// aws-lc-rs instead would put a second crypto library (and a C build) in every tree.
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    if let Some(installed) = rustls::crypto::CryptoProvider::get_default() {
        return Arc::clone(installed);
    }
    #[allow(deprecated)]
    let ring = rustls::crypto::ring::default_provider();
    Arc::new(ring)
}
