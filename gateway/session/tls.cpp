#include "gateway/session/tls.hpp"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdexcept>

namespace mg::session {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context>
make_client_tls_context(const std::optional<config::controller_tls>& tls) {
    auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
    context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                         ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                         ssl::context::no_tlsv1_1);
    context->set_default_verify_paths();
    if (tls && !tls->ca_file.empty()) {
        boost::system::error_code ec;
        context->load_verify_file(tls->ca_file, ec);
        if (ec)
            throw std::runtime_error("cannot load CA file " + tls->ca_file + ": " + ec.message());
    }
    // Verification runs through certificate_check so a pin can accept a self-signed chain.
    context->set_verify_mode(ssl::verify_peer);
    return context;
}

std::string certificate_fingerprint(X509* certificate) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!certificate || X509_digest(certificate, EVP_sha256(), digest, &length) != 1)
        return {};
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string text;
    for (unsigned int i = 0; i < length; ++i) {
        if (i)
            text += ':';
        text += hex[digest[i] >> 4];
        text += hex[digest[i] & 0xF];
    }
    return text;
}

certificate_check::certificate_check(std::optional<config::controller_tls> tls, std::string host)
    : tls_(std::move(tls)), host_(std::move(host)), failure_(std::make_shared<std::string>()) {}

bool certificate_check::operator()(bool preverified, ssl::verify_context& context) {
    X509_STORE_CTX* store = context.native_handle();
    const int depth = X509_STORE_CTX_get_error_depth(store);
    if (tls_ && !tls_->fingerprint_sha256.empty()) {
        // The pin decides alone; intermediate certificates of the chain are not judged.
        if (depth > 0)
            return true;
        const auto seen = certificate_fingerprint(X509_STORE_CTX_get_current_cert(store));
        if (seen == tls_->fingerprint_sha256)
            return true;
        *failure_ = "certificate fingerprint " + seen + " does not match the pinned one";
        return false;
    }
    if (tls_ && !tls_->verify)
        return true;
    if (!preverified) {
        *failure_ = std::string("certificate not trusted: ") +
                    X509_verify_cert_error_string(X509_STORE_CTX_get_error(store));
        return false;
    }
    if (depth == 0 && !ssl::host_name_verification(host_)(preverified, context)) {
        *failure_ = "certificate does not match host " + host_;
        return false;
    }
    return true;
}

} // namespace mg::session
