#!/usr/bin/env python3
"""Checks the Kubernetes manifests in deploy/kubernetes against what running one gateway per
site needs (README.md, "Running many sites"), and that they fit the image deploy/Dockerfile
builds and the site file the gateway accepts.

usage: kubernetes_test.py SOURCE_DIR MOSAIC_GATEWAY_BINARY
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest

import yaml

SOURCE_DIR = ""
GATEWAY = ""


def manifests_dir():
    return os.path.join(SOURCE_DIR, "deploy", "kubernetes")


def load_all():
    """Every document of every manifest, with the file it came from."""
    documents = []
    for name in sorted(os.listdir(manifests_dir())):
        if not name.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(manifests_dir(), name), encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if doc is not None:
                    documents.append((name, doc))
    return documents


def project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(mosaic-gateway VERSION ([0-9.]+)", f.read()).group(1)


def dockerfile():
    with open(os.path.join(SOURCE_DIR, "deploy", "Dockerfile"), encoding="utf-8") as f:
        return f.read()


class Manifests(unittest.TestCase):
    def setUp(self):
        self.documents = load_all()
        self.by_kind = {}
        for name, doc in self.documents:
            self.assertIn("kind", doc, name)
            self.assertIn("apiVersion", doc, name)
            self.by_kind.setdefault(doc["kind"], []).append(doc)
        self.deployments = self.by_kind.get("Deployment", [])

    def named(self, kind, name):
        for doc in self.by_kind.get(kind, []):
            if doc["metadata"]["name"] == name:
                return doc
        self.fail(f"no {kind} named {name}")

    def test_kustomization_lists_every_manifest(self):
        (kustomization,) = self.by_kind["Kustomization"]
        files = {
            n
            for n in os.listdir(manifests_dir())
            if n.endswith((".yaml", ".yml")) and n != "kustomization.yaml"
        }
        self.assertEqual(set(kustomization["resources"]), files)

    def test_there_is_a_site(self):
        self.assertGreaterEqual(len(self.deployments), 1)

    def test_one_replica_recreated(self):
        for d in self.deployments:
            with self.subTest(d["metadata"]["name"]):
                self.assertEqual(d["spec"]["replicas"], 1)
                self.assertEqual(d["spec"]["strategy"]["type"], "Recreate")
                self.assertEqual(len(d["spec"]["template"]["spec"]["containers"]), 1)

    def test_selector_matches_pod_labels(self):
        for d in self.deployments:
            labels = d["spec"]["template"]["metadata"]["labels"]
            for key, value in d["spec"]["selector"]["matchLabels"].items():
                self.assertEqual(labels.get(key), value)

    def test_non_root_read_only_container(self):
        for d in self.deployments:
            pod = d["spec"]["template"]["spec"]
            (container,) = pod["containers"]
            pod_sc = pod.get("securityContext", {})
            sc = container.get("securityContext", {})
            with self.subTest(d["metadata"]["name"]):
                self.assertTrue(sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")))
                uid = sc.get("runAsUser", pod_sc.get("runAsUser"))
                self.assertIsNotNone(uid)
                self.assertNotEqual(uid, 0)
                self.assertTrue(sc["readOnlyRootFilesystem"])
                self.assertFalse(sc["allowPrivilegeEscalation"])
                self.assertIn("ALL", sc["capabilities"]["drop"])
                # The image's own user is the one the manifests run as.
                self.assertIn(f"USER {uid}:", dockerfile())

    def test_image_is_the_one_the_dockerfile_builds(self):
        for d in self.deployments:
            (container,) = d["spec"]["template"]["spec"]["containers"]
            name, _, tag = container["image"].rpartition(":")
            self.assertTrue(name.endswith("mosaic-gateway"), container["image"])
            self.assertEqual(tag, project_version())
            # The command reads the site file where the Dockerfile's CMD expects it.
            command = container.get("command", []) + container.get("args", [])
            self.assertEqual(command[:2], ["mosaic-gateway", "-c"])
            self.assertIn(f'"{command[2]}"', dockerfile())

    def test_compose_runs_the_same_image(self):
        with open(os.path.join(SOURCE_DIR, "deploy", "compose.yaml"), encoding="utf-8") as f:
            compose = yaml.safe_load(f)
        self.assertEqual(compose["services"]["gateway"]["image"],
                         f"mosaic-gateway:{project_version()}")

    def test_resource_requests(self):
        for d in self.deployments:
            (container,) = d["spec"]["template"]["spec"]["containers"]
            requests = container["resources"]["requests"]
            self.assertIn("cpu", requests)
            self.assertIn("memory", requests)
            self.assertIn("memory", container["resources"]["limits"])

    def test_probes_on_healthz_of_the_metrics_port(self):
        for d in self.deployments:
            (container,) = d["spec"]["template"]["spec"]["containers"]
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            site = self.site_file(d)
            listen_port = int(str(site["metrics"]["listen"]).rsplit(":", 1)[1])
            for probe in ("livenessProbe", "readinessProbe"):
                with self.subTest(probe):
                    get = container[probe]["httpGet"]
                    self.assertEqual(get["path"], "/healthz")
                    port = ports.get(get["port"], get["port"])
                    self.assertEqual(port, listen_port)
            # Probes come from outside the pod: the gateway must not listen on loopback only.
            self.assertFalse(str(site["metrics"]["listen"]).startswith(("127.", "[::1]")))

    def mounts(self, deployment):
        pod = deployment["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        return [(m, volumes[m["name"]]) for m in container["volumeMounts"]]

    def site_file(self, deployment):
        for mount, volume in self.mounts(deployment):
            if "configMap" in volume:
                config = self.named("ConfigMap", volume["configMap"]["name"])
                return yaml.safe_load(config["data"]["site.yaml"])
        self.fail("no ConfigMap volume")

    def test_site_file_from_config_map_and_secrets_as_files(self):
        for d in self.deployments:
            kinds = {}
            for mount, volume in self.mounts(d):
                self.assertTrue(mount.get("readOnly"), mount["name"])
                if "configMap" in volume:
                    kinds["configMap"] = mount["mountPath"]
                if "secret" in volume:
                    self.named("Secret", volume["secret"]["secretName"])
                    kinds["secret"] = mount["mountPath"]
            self.assertEqual(kinds.get("configMap"), "/etc/mosaic-gateway")
            self.assertIn("secret", kinds)
            (container,) = d["spec"]["template"]["spec"]["containers"]
            env = {e["name"]: e.get("value") for e in container.get("env", [])}
            self.assertEqual(env.get("CREDENTIALS_DIRECTORY"), kinds["secret"])
            # No password is written into the site file itself.
            self.assertNotIn("password:", self.config_text(d))

    def config_text(self, deployment):
        for mount, volume in self.mounts(deployment):
            if "configMap" in volume:
                return self.named("ConfigMap", volume["configMap"]["name"])["data"]["site.yaml"]
        return ""

    def test_site_file_passes_the_gateways_check(self):
        for d in self.deployments:
            secret_volume = next(v for m, v in self.mounts(d) if "secret" in v)
            secret = self.named("Secret", secret_volume["secret"]["secretName"])
            with tempfile.TemporaryDirectory() as tmp:
                for key, value in secret.get("stringData", {}).items():
                    with open(os.path.join(tmp, key), "w", encoding="utf-8") as f:
                        f.write(value)
                site = os.path.join(tmp, "site.yaml")
                with open(site, "w", encoding="utf-8") as f:
                    f.write(self.config_text(d))
                env = dict(os.environ, CREDENTIALS_DIRECTORY=tmp)
                run = subprocess.run(
                    [GATEWAY, "--check", "-c", site],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                )
                self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
                self.assertIn("metrics:", run.stdout)
                self.assertIn("failover:", run.stdout)


if __name__ == "__main__":
    SOURCE_DIR, GATEWAY = sys.argv[1], sys.argv[2]
    unittest.main(argv=sys.argv[:1], verbosity=2)
