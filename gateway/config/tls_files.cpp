#include "gateway/config/tls_files.hpp"

#include <memory>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace mg::config {
namespace {

struct bio_free {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct ctx_free {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct x509_free {
    void operator()(X509* x) const { X509_free(x); }
};
struct pkey_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct info_stack_free {
    void operator()(STACK_OF(X509_INFO) * s) const { sk_X509_INFO_pop_free(s, X509_INFO_free); }
};

using bio_ptr = std::unique_ptr<BIO, bio_free>;
using ctx_ptr = std::unique_ptr<SSL_CTX, ctx_free>;

bio_ptr memory(std::string_view text) {
    return bio_ptr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

ctx_ptr client_context() {
    return ctx_ptr(SSL_CTX_new(TLS_client_method()));
}

// Refuses to ask for a passphrase: there is no terminal to type it on.
int no_passphrase(char*, int, int, void*) {
    return -1;
}

// OpenSSL's reason for the last failure, and an empty error queue for whoever comes next.
std::string openssl_reason(std::string_view fallback) {
    const unsigned long code = ERR_peek_last_error();
    std::string reason;
    if (const char* text = code != 0 ? ERR_reason_error_string(code) : nullptr)
        reason = text;
    ERR_clear_error();
    return reason.empty() ? std::string(fallback) : reason;
}

} // namespace

std::optional<std::string> ca_file_problem(std::string_view pem) {
    ERR_clear_error();
    const auto bio = memory(pem);
    const auto context = client_context();
    if (!bio || !context)
        return openssl_reason("out of memory");
    // What SSL_CTX_load_verify_locations does with a file: every certificate in it is
    // trusted, a damaged PEM block fails the whole file.
    const std::unique_ptr<STACK_OF(X509_INFO), info_stack_free> infos(
        PEM_X509_INFO_read_bio(bio.get(), nullptr, no_passphrase, nullptr));
    if (!infos)
        return "is not a PEM file of CA certificates (" + openssl_reason("unreadable") + ")";
    X509_STORE* store = SSL_CTX_get_cert_store(context.get());
    int certificates = 0;
    for (int i = 0; i < sk_X509_INFO_num(infos.get()); ++i) {
        X509* cert = sk_X509_INFO_value(infos.get(), i)->x509;
        if (!cert)
            continue;
        if (X509_STORE_add_cert(store, cert) != 1)
            return "holds a certificate OpenSSL refuses (" + openssl_reason("refused") + ")";
        ++certificates;
    }
    ERR_clear_error();
    if (certificates == 0)
        return std::string("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    return std::nullopt;
}

std::optional<key_pair_problem> client_key_pair_problem(std::string_view cert_pem,
                                                        std::string_view key_pem) {
    ERR_clear_error();
    const auto context = client_context();
    const auto certs = memory(cert_pem);
    const auto keys = memory(key_pem);
    if (!context || !certs || !keys)
        return key_pair_problem{false, openssl_reason("out of memory")};
    // As SSL_CTX_use_certificate_chain_file: the first certificate is the client's, the
    // others its chain.
    const std::unique_ptr<X509, x509_free> leaf(
        PEM_read_bio_X509_AUX(certs.get(), nullptr, no_passphrase, nullptr));
    if (!leaf)
        return key_pair_problem{false,
                                "holds no PEM certificate (" + openssl_reason("unreadable") + ")"};
    if (SSL_CTX_use_certificate(context.get(), leaf.get()) != 1)
        return key_pair_problem{false, "holds a certificate OpenSSL refuses (" +
                                           openssl_reason("refused") + ")"};
    while (X509* extra = PEM_read_bio_X509(certs.get(), nullptr, no_passphrase, nullptr)) {
        if (SSL_CTX_add0_chain_cert(context.get(), extra) != 1) {
            X509_free(extra);
            return key_pair_problem{false, "holds a chain certificate OpenSSL refuses (" +
                                               openssl_reason("refused") + ")"};
        }
    }
    ERR_clear_error(); // the end of the file reads as "no start line"
    const std::unique_ptr<EVP_PKEY, pkey_free> key(
        PEM_read_bio_PrivateKey(keys.get(), nullptr, no_passphrase, nullptr));
    if (!key)
        return key_pair_problem{true, "is not a PEM private key without a passphrase (" +
                                          openssl_reason("unreadable") + ")"};
    if (SSL_CTX_use_PrivateKey(context.get(), key.get()) != 1 ||
        SSL_CTX_check_private_key(context.get()) != 1) {
        ERR_clear_error();
        return key_pair_problem{true, "does not belong to the certificate of cert_file"};
    }
    return std::nullopt;
}

} // namespace mg::config
