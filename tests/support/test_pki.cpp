#include "tests/support/test_pki.hpp"

#include "tests/support/process.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace mg::test {

namespace {

void openssl(const std::filesystem::path& dir, std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    process_options options;
    options.cwd = dir.string();
    const auto result = run(args, 30s, options);
    if (result.exit_code != 0) {
        std::string line;
        for (const auto& a : args)
            line += a + " ";
        throw std::runtime_error("test_pki: " + line + "failed:\n" + result.output);
    }
}

// A fresh P-256 key and a self-signed CA certificate.
void make_ca(const temp_dir& dir, const std::string& name) {
    openssl(dir.path(), {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                         "-nodes", "-keyout", name + ".key", "-out", name + ".pem", "-days", "2",
                         "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
}

// A key and a certificate for `name` signed by the CA `ca`, with the given extensions.
void make_leaf(const temp_dir& dir, const std::string& name, const std::string& ca,
               const std::string& extensions) {
    openssl(dir.path(), {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                         "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name});
    dir.write(name + ".ext", extensions);
    openssl(dir.path(),
            {"x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
             "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext"});
}

} // namespace

test_pki::test_pki() {
    make_ca(dir_, "ca");
    make_ca(dir_, "other-ca");
    make_leaf(dir_, "server", "ca",
              "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
              "extendedKeyUsage=serverAuth\n");
    make_leaf(dir_, "client", "ca", "extendedKeyUsage=clientAuth\n");
    const auto& dir = dir_.path();
    ca_cert = dir / "ca.pem";
    other_ca_cert = dir / "other-ca.pem";
    server_cert = dir / "server.pem";
    server_key = dir / "server.key";
    client_cert = dir / "client.pem";
    client_key = dir / "client.key";
}

} // namespace mg::test
