#include "gateway/sim/tls.hpp"

#include <array>
#include <cstdio>
#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace mg::sim {
namespace {

template <class T, void (*Free)(T*)> struct deleter {
    void operator()(T* p) const { Free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using extension_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("TLS identity: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    extension_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    check(ext != nullptr, "certificate extension");
    check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

template <class Write> std::string to_pem(Write write) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    check(bio != nullptr && write(bio.get()) == 1, "PEM encoding");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string fingerprint_of(const X509* cert) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    check(X509_digest(cert, EVP_sha256(), digest.data(), &size) == 1, "X509_digest");
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        std::array<char, 4> pair{};
        std::snprintf(pair.data(), pair.size(), "%02X", digest[i]);
        if (i != 0)
            out.push_back(':');
        out += pair.data();
    }
    return out;
}

} // namespace

tls_identity make_self_signed_identity() {
    pkey_ptr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "EC key generation");

    x509_ptr cert(X509_new());
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    std::array<unsigned char, 8> serial{};
    check(RAND_bytes(serial.data(), static_cast<int>(serial.size())) == 1, "RAND_bytes");
    serial[0] &= 0x7F; // a positive serial number
    std::unique_ptr<BIGNUM, deleter<BIGNUM, BN_free>> bn(
        BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
    check(bn != nullptr &&
              BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) != nullptr,
          "serial number");
    constexpr long one_day = 24 * 60 * 60;
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -one_day) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365 * one_day) != nullptr, "notAfter");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("mosaic-sim"), -1, -1,
                                     0) == 1,
          "subject");
    check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
    add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1");
    // CA:TRUE lets a client also trust this self-signed certificate as its own CA file.
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), NID_subject_key_identifier, "hash");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

    tls_identity identity;
    identity.certificate_pem =
        to_pem([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); });
    identity.private_key_pem = to_pem([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    identity.fingerprint = fingerprint_of(cert.get());
    return identity;
}

boost::asio::ssl::context make_server_context(const tls_identity& identity) {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_server);
    ctx.set_options(boost::asio::ssl::context::default_workarounds |
                    boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                    boost::asio::ssl::context::single_dh_use);
    ctx.use_certificate_chain(boost::asio::buffer(identity.certificate_pem));
    ctx.use_private_key(boost::asio::buffer(identity.private_key_pem),
                        boost::asio::ssl::context::pem);
    return ctx;
}

} // namespace mg::sim
