"""deploy/k8s: both overlays build with `kubectl kustomize`; every object validates, the core
kinds against the Kubernetes schemas (kubernetes-validate), the operators' kinds against the
schemas in deploy/k8s/crds; every process of deploy/Procfile runs as a Deployment with its own
probes, limits, a hardened security context, a grace period longer than its longest handler
and a scaling rule; every queue a service consumes drives its KEDA ScaledObject; the broker
objects are the ones generated from credit_common.topology; secrets are referenced, never
committed, and each one is named in the README."""

from __future__ import annotations

import copy
import functools
import importlib.util
import json
import pathlib
import re
import shutil
import subprocess
import sys

import jsonschema
import kubernetes_validate
import pytest
import yaml

from credit_common.relay import BLOCKED_CONNECTION_TIMEOUT_S
from credit_common.settings import ServiceSettings
from credit_common.topology import INTERAGENCY_INBOUND_QUEUE, rpc_queue, subscriptions_of

ROOT = pathlib.Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "production")
#: the oldest Kubernetes the manifests are written for
KUBERNETES_VERSION = "1.30.0"
SERVICES = ("intake", "workflow", "notification", "disclosure")
#: label of every object and pod of the platform
PART_OF = ("app.kubernetes.io/part-of", "credit-repair")


# -- building -------------------------------------------------------------------------------

def kubectl() -> str:
    # the venv's first: scripts/ensure-kubectl.sh puts one there when PATH's is too old
    found = shutil.which("kubectl", path=str(pathlib.Path(sys.executable).parent)) or \
        shutil.which("kubectl")
    if not found:
        pytest.fail("kubectl is missing: `make test` installs it (scripts/ensure-kubectl.sh)")
    return found


@functools.cache
def built(overlay: str) -> tuple[dict, ...]:
    result = subprocess.run([kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return tuple(o for o in yaml.safe_load_all(result.stdout) if o)


def of_kind(objects, kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def procfile() -> dict[str, list[str]]:
    """Process name (as a Kubernetes name) -> its ``python -m`` arguments."""
    processes = {}
    for line in (ROOT / "deploy" / "Procfile").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        module = command.split("python -m", 1)[1].split()
        processes[name.strip().replace("_", "-")] = module
    return processes


def container(deployment: dict) -> dict:
    [only] = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_of(c: dict) -> dict[str, str]:
    return {e["name"]: e.get("value") for e in c.get("env", [])}


@pytest.fixture(params=OVERLAYS)
def overlay(request) -> tuple[dict, ...]:
    return built(request.param)


def test_kubectl_builds_kustomize_v5_or_newer():
    version = json.loads(subprocess.run([kubectl(), "version", "--client", "-o", "json"],
                                        capture_output=True, text=True, timeout=60).stdout)
    major = int(version["kustomizeVersion"].lstrip("v").split(".")[0])
    assert major >= 5, f"kubectl's kustomize {version['kustomizeVersion']} cannot build these"


@pytest.mark.parametrize("name", OVERLAYS)
def test_each_overlay_builds_into_one_namespace_with_unique_names(name):
    objects = built(name)
    [namespace] = of_kind(objects, "Namespace")
    keys = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(keys) == len(set(keys)), "an object is defined twice"
    for o in objects:
        if o["kind"] != "Namespace":
            assert o["metadata"].get("namespace") == namespace, o["metadata"]["name"]


# -- schemas --------------------------------------------------------------------------------

def _strict(schema):
    """A CRD's structural schema as JSON Schema, refusing unknown fields where Kubernetes
    prunes them (what `kubectl apply --validate=strict` refuses)."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) if k in ("items", "additionalProperties", "anyOf", "allOf", "oneOf")
           else v for k, v in schema.items()}
    if "properties" in schema:
        out["properties"] = {k: _strict(v) for k, v in schema["properties"].items()}
        if not schema.get("x-kubernetes-preserve-unknown-fields"):
            out.setdefault("additionalProperties", False)
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    return out


@functools.cache
def operator_schemas() -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) -> JSON Schema, from deploy/k8s/crds."""
    schemas = {}
    for path in sorted((K8S / "crds").glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            schemas[(f"{group}/{version['name']}", kind)] = _strict(
                version["schema"]["openAPIV3Schema"])
    return schemas


def is_custom(o: dict) -> bool:
    return (o["apiVersion"], o["kind"]) in operator_schemas()


def test_every_core_object_validates_against_the_kubernetes_schemas(overlay):
    for o in overlay:
        if is_custom(o):
            continue
        try:
            kubernetes_validate.validate(o, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.utils.SchemaNotFoundError:
            pytest.fail(f"{o['kind']} {o['apiVersion']} has neither a Kubernetes schema nor "
                        "an operator schema in deploy/k8s/crds")
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{o['kind']}/{o['metadata']['name']}: "
                        f"{'.'.join(map(str, error.path))}: {error.message}")


def test_every_operator_object_validates_against_its_operators_schema(overlay):
    custom = [o for o in overlay if is_custom(o)]
    kinds = {o["kind"] for o in custom}
    assert {"RabbitmqCluster", "Queue", "User", "Permission", "Cluster", "Database",
            "ScaledObject", "TriggerAuthentication", "ServiceMonitor"} <= kinds
    for o in custom:
        schema = operator_schemas()[(o["apiVersion"], o["kind"])]
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(o), key=str)
        assert not errors, (f"{o['kind']}/{o['metadata']['name']}: "
                            f"{'.'.join(map(str, errors[0].path))}: {errors[0].message}")


def test_the_strict_schemas_refuse_an_unknown_field_and_a_wrong_type():
    """The check above can fail: a typo in a field name or a value of the wrong type."""
    scaled = copy.deepcopy(of_kind(built("production"), "ScaledObject")["intake"])
    schema = operator_schemas()[("keda.sh/v1alpha1", "ScaledObject")]
    assert not list(jsonschema.Draft7Validator(schema).iter_errors(scaled))
    scaled["spec"]["minReplicas"] = 2
    assert list(jsonschema.Draft7Validator(schema).iter_errors(scaled))
    del scaled["spec"]["minReplicas"]
    scaled["spec"]["maxReplicaCount"] = "eight"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(scaled))


def _errors(o: dict) -> list:
    return list(jsonschema.Draft7Validator(
        operator_schemas()[(o["apiVersion"], o["kind"])]).iter_errors(o))


def test_the_broker_and_database_clusters_are_checked_down_to_their_pod_templates():
    """The published RabbitmqCluster and Cluster schemas type the nested Kubernetes structures
    (affinity terms, credential references) and the operators' enums, not only the top level."""
    objects = built("production")
    [broker] = copy.deepcopy(list(of_kind(objects, "RabbitmqCluster").values()))
    assert not _errors(broker)
    term = broker["spec"]["affinity"]["podAntiAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"][0]
    term["topologykey"] = term.pop("topologyKey")
    assert _errors(broker)

    [cluster] = list(of_kind(objects, "Cluster").values())
    assert not _errors(cluster)
    for path, value in ((("primaryUpdateStrategy",), "automatic"),
                        (("backup", "barmanObjectStore", "data", "compression"), "zstd"),
                        (("backup", "barmanObjectStore", "s3Credentials", "accessKeyId", "keys"),
                         "ACCESS_KEY_ID"),
                        (("managed", "roles", 0, "ensure"), "exists")):
        wrong = copy.deepcopy(cluster)
        node = wrong["spec"]
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        assert _errors(wrong), path
    # a field named like a schema keyword is a field: stripping descriptions kept it
    described = copy.deepcopy(cluster)
    described["spec"]["description"] = "信用修复平台数据库"
    assert not _errors(described)


def test_every_vendored_schema_names_the_published_file_it_was_read_from():
    readme = (K8S / "crds" / "README.md").read_text()
    rows = {m[0]: m[1] for m in re.findall(r"^\| `([^`]+\.yaml)` \|(.*)$", readme, re.M)}
    files = sorted(p.name for p in (K8S / "crds").glob("*.yaml"))
    assert sorted(rows) == files
    for name, row in rows.items():
        assert re.search(r"commit `[0-9a-f]{40}`", row), name
        assert "by hand" not in row, name


# -- processes ------------------------------------------------------------------------------

def longest_handler_s() -> float:
    """What a process may be doing when it is told to stop: a statement up to the role's
    timeout, an RPC or SMS provider call up to theirs, a relay's publish the broker blocks."""
    from gateway.core.config import GatewaySettings
    from notification.config import NotificationSettings

    return max(ServiceSettings().db_statement_timeout_ms / 1000,
               GatewaySettings().rpc_timeout_s, NotificationSettings().sms_provider_timeout_s,
               BLOCKED_CONNECTION_TIMEOUT_S)


def scaling_rules(objects) -> dict[str, dict]:
    """Deployment name -> the ScaledObject or HorizontalPodAutoscaler that scales it."""
    rules = {}
    for o in objects:
        if o["kind"] in ("ScaledObject", "HorizontalPodAutoscaler"):
            target = o["spec"]["scaleTargetRef"]
            assert target.get("kind", "Deployment") == "Deployment"
            assert target["name"] not in rules, f"{target['name']} has two scaling rules"
            rules[target["name"]] = o
    return rules


def test_every_procfile_process_is_a_deployment_running_its_command(overlay):
    deployments = of_kind(overlay, "Deployment")
    for name, module in procfile().items():
        assert name in deployments, f"Procfile process {name} has no Deployment"
        c = container(deployments[name])
        assert c["command"] == ["python", "-m", *module], name
        assert c["image"].startswith("credit-repair/platform:"), name


def test_every_process_has_probes_on_its_own_health_check(overlay):
    deployments = of_kind(overlay, "Deployment")
    for name, module in procfile().items():
        c = container(deployments[name])
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert probe in c, f"{name} has no {probe}"
        env = env_of(c)
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", [])}
        if name == "gateway":
            assert ports["http"] == int(env["GATEWAY_PORT"])
            assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
            assert c["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
        elif "METRICS_PORT" in env:
            assert ports["metrics"] == int(env["METRICS_PORT"]), name
            assert c["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
            assert c["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "metrics"}
        else:
            # no HTTP port: the health command's exec probes, as this process's service
            service = module[0]
            health = ["python", "-m", "credit_common.healthcheck"]
            ready = c["readinessProbe"]["exec"]["command"]
            assert ready[:5] == [*health, "--service", service], name
            assert ("--no-broker" in ready) == (f"{service.upper()}_AMQP_URI" not in env), name
            # its checks end before the kubelet gives up on it, interpreter start included
            timeout_s = float(ready[ready.index("--timeout") + 1])
            assert timeout_s + 5 <= c["readinessProbe"]["timeoutSeconds"], name
            for probe in ("startupProbe", "livenessProbe"):
                alive = c[probe]["exec"]["command"]
                assert alive[:4] == [*health, "--alive"], (name, probe)
            assert env.get("LIVENESS_FILE", "").startswith("/tmp/"), name


def test_every_process_has_requests_and_limits_and_a_hardened_security_context(overlay):
    deployments = of_kind(overlay, "Deployment")
    for name in procfile():
        pod = deployments[name]["spec"]["template"]["spec"]
        c = container(deployments[name])
        for bound in ("requests", "limits"):
            assert set(c["resources"][bound]) == {"cpu", "memory"}, name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert c["securityContext"] == {"allowPrivilegeEscalation": False,
                                        "readOnlyRootFilesystem": True,
                                        "capabilities": {"drop": ["ALL"]}}, name
        tmp = {m["name"] for m in c["volumeMounts"] if m["mountPath"] == "/tmp"}
        assert {v["name"] for v in pod["volumes"] if "emptyDir" in v} >= tmp == {"tmp"}, name
        assert pod["automountServiceAccountToken"] is False, name


def test_every_process_may_finish_its_longest_handler_before_it_is_killed(overlay):
    deployments = of_kind(overlay, "Deployment")
    for name in procfile():
        grace = deployments[name]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        assert grace > longest_handler_s(), f"{name}: {grace} s"


def test_every_process_has_a_scaling_rule_and_a_disruption_budget(overlay):
    rules = scaling_rules(overlay)
    budgets = {o["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
               for o in overlay if o["kind"] == "PodDisruptionBudget"}
    for name in procfile():
        assert name in rules, f"{name} has neither a ScaledObject nor an HPA"
        assert name in budgets, f"{name} has no PodDisruptionBudget"
        rule = rules[name]["spec"]
        low = rule.get("minReplicaCount", rule.get("minReplicas"))
        high = rule.get("maxReplicaCount", rule.get("maxReplicas"))
        assert 1 <= low <= high, name
    assert rules["gateway"]["kind"] == "HorizontalPodAutoscaler"
    assert rules["gateway"]["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_every_queue_a_service_consumes_drives_its_scaled_object(overlay):
    rules = scaling_rules(overlay)
    consumed = {s: {rpc_queue(s), *(sub.queue for sub in subscriptions_of(s))}
                for s in SERVICES}
    consumed["disclosure-inbound"] = {INTERAGENCY_INBOUND_QUEUE}
    for name, queues in consumed.items():
        rule = rules[name]
        assert rule["kind"] == "ScaledObject", name
        named = {t["metadata"]["queueName"] for t in rule["spec"]["triggers"]
                 if t["type"] == "rabbitmq"}
        assert named == queues, f"{name} scales on {sorted(named)}, consumes {sorted(queues)}"
        for trigger in rule["spec"]["triggers"]:
            assert trigger["metadata"]["vhostName"] == "credit"
            assert trigger["authenticationRef"]["name"] in of_kind(overlay,
                                                                   "TriggerAuthentication")


def test_relays_scale_on_their_services_outbox_backlog(overlay):
    rules = scaling_rules(overlay)
    for service in SERVICES:
        [trigger] = rules[f"{service}-relay"]["spec"]["triggers"]
        assert trigger["type"] == "prometheus"
        assert f'outbox_backlog{{service="{service}"}}' in trigger["metadata"]["query"]


def test_production_keeps_two_of_every_service_and_relay():
    rules = scaling_rules(built("production"))
    for name in [*SERVICES, *(f"{s}-relay" for s in SERVICES), "gateway"]:
        spec = rules[name]["spec"]
        assert spec.get("minReplicaCount", spec.get("minReplicas")) >= 2, name


# -- jobs, broker, databases ------------------------------------------------------------------

@pytest.mark.parametrize("name", OVERLAYS)
def test_each_release_has_its_own_migration_and_queue_jobs_named_after_the_image_tag(name):
    objects = built(name)
    jobs = of_kind(objects, "Job")
    tag = container(of_kind(objects, "Deployment")["intake"])["image"].split(":")[1]
    assert set(jobs) == {f"credit-migrate-{tag}", f"credit-queues-{tag}"}
    migrate = jobs[f"credit-migrate-{tag}"]["spec"]["template"]["spec"]
    steps = [*migrate["initContainers"], *migrate["containers"]]
    assert steps[0]["command"] == ["python", "-m", "credit_common.db_admin", "create"]
    assert [s["command"][2] for s in steps[1:]] == [f"services/{s}/alembic.ini"
                                                    for s in SERVICES]
    for step, service in zip(steps[1:], SERVICES, strict=True):
        secrets = {e["valueFrom"]["secretKeyRef"]["name"] for e in step["env"]
                   if "valueFrom" in e}
        assert secrets == {f"credit-{service}-db-owner"}, step["name"]
    # rollout.sh applies these only once the Jobs are done
    deployments = of_kind(objects, "Deployment")
    for process in procfile():
        assert deployments[process]["metadata"]["labels"]["credit-repair/rollout"] == "after"
    assert not [o for o in objects if o["kind"] != "Deployment"
                and o["metadata"].get("labels", {}).get("credit-repair/rollout") == "after"]


def test_no_process_holds_an_owner_or_superuser_password(overlay):
    for name, deployment in of_kind(overlay, "Deployment").items():
        refs = {e["valueFrom"]["secretKeyRef"]["name"] for c in
                deployment["spec"]["template"]["spec"]["containers"] for e in c.get("env", [])
                if "valueFrom" in e}
        assert not {r for r in refs if r.endswith("-db-owner") or "superuser" in r
                    or r.endswith("default-user")}, name


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_topology",
                                                  K8S / "generate_topology.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_broker_objects_are_the_ones_generated_from_the_topology():
    generator = load_generator()
    assert (K8S / "base" / "rabbitmq" / "topology.yaml").read_text() == generator.render(), \
        "stale: run python deploy/k8s/generate_topology.py"
    config = dict(line.split("=", 1) for line in
                  (K8S / "base" / "platform.env").read_text().splitlines()
                  if line and not line.startswith("#"))
    assert int(config["EVENT_DELIVERY_LIMIT"]) == generator.DELIVERY_LIMIT
    assert json.loads(config["EVENT_RETRY_DELAYS_MS"]) == generator.RETRY_DELAYS_MS


def test_every_platform_queue_is_a_quorum_queue_and_every_process_family_a_user(overlay):
    from credit_common.broker_users import PROCESSES
    from credit_common.queues import platform_queues

    queues = {q["spec"]["name"]: q["spec"] for q in of_kind(overlay, "Queue").values()}
    for queue in platform_queues(load_generator().RETRY_DELAYS_MS):
        assert queues[queue.name]["type"] == "quorum", queue.name
    users = of_kind(overlay, "User")
    for process in PROCESSES:
        assert users[f"credit-{process}"]["spec"]["importCredentialsSecret"] == {
            "name": f"credit-{process}-amqp"}


def test_each_service_has_its_database_and_two_roles():
    objects = built("production")
    databases = {d["spec"]["name"]: d["spec"] for d in of_kind(objects, "Database").values()}
    [cluster] = of_kind(objects, "Cluster").values()
    roles = {r["name"]: r for r in cluster["spec"]["managed"]["roles"]}
    assert cluster["spec"]["instances"] == 3
    for service in SERVICES:
        assert databases[f"credit_{service}"]["owner"] == f"credit_{service}_owner"
        for kind in ("owner", "app"):
            role = roles[f"credit_{service}_{kind}"]
            assert role["passwordSecret"] == {"name": f"credit-{service}-db-{kind}"}
            assert not role.get("superuser") and not role.get("createrole")
        # only its own roles into its own database
        assert (f"hostssl credit_{service} credit_{service}_owner,credit_{service}_app all "
                "scram-sha-256") in cluster["spec"]["postgresql"]["pg_hba"]
    assert [o["spec"]["schedule"] for o in of_kind(objects, "ScheduledBackup").values()]
    assert cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"]


def test_the_rabbitmq_cluster_has_three_nodes_in_production():
    [broker] = of_kind(built("production"), "RabbitmqCluster").values()
    assert broker["spec"]["replicas"] == 3


# -- network, secrets, monitoring ---------------------------------------------------------------

def pod_labels(objects) -> dict[str, dict]:
    pods = {}
    for o in objects:
        if o["kind"] in ("Deployment", "Job"):
            pods[o["metadata"]["name"]] = o["spec"]["template"]["metadata"]["labels"]
    return pods


def test_only_the_database_clients_reach_postgresql_and_the_gateway_is_not_one(overlay):
    pods = pod_labels(overlay)
    clients = {n for n, labels in pods.items() if labels.get("credit-repair/database-client")}
    expected = {*SERVICES, *(f"{s}-relay" for s in SERVICES), "workflow-documents",
                "disclosure-inbound"}
    assert {n for n in clients if not n.startswith("credit-")} == expected
    assert {n.rsplit("-", 1)[0] for n in clients if n.startswith("credit-")} == {
        "credit-migrate"}
    policies = of_kind(overlay, "NetworkPolicy")
    postgres = policies["postgres-ingress"]["spec"]
    assert postgres["podSelector"] == {"matchLabels": {"cnpg.io/cluster": "credit-pg"}}
    to_5432 = [rule["from"] for rule in postgres["ingress"]
               if {"protocol": "TCP", "port": 5432} in rule["ports"]]
    pod_selectors = [peer["podSelector"]["matchLabels"] for peers in to_5432 for peer in peers
                     if "podSelector" in peer]
    assert pod_selectors == [{"credit-repair/database-client": "true"},
                             {"cnpg.io/cluster": "credit-pg"}]
    deny = policies["platform-default-deny"]["spec"]
    assert deny["podSelector"] == {"matchLabels": dict([PART_OF])}
    assert sorted(deny["policyTypes"]) == ["Egress", "Ingress"] and "ingress" not in deny
    for name, labels in pods.items():
        assert labels.get(PART_OF[0]) == PART_OF[1], f"{name} escapes the default deny"


def test_only_the_gateway_reaches_redis(overlay):
    policies = of_kind(overlay, "NetworkPolicy")
    to_redis = [p for p in policies.values() for rule in p["spec"].get("egress", [])
                for peer in rule.get("to", [])
                if peer.get("podSelector", {}).get("matchLabels", {}).get(
                    "app.kubernetes.io/name") == "redis"]
    assert [p["metadata"]["name"] for p in to_redis] == ["gateway"]


def referenced_secrets(objects) -> set[str]:
    names = set()

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("secretKeyRef", "passwordSecret", "importCredentialsSecret", "secret",
                         "accessKeyId", "secretAccessKey") and isinstance(v, dict) \
                        and "name" in v:
                    names.add(v["name"])
                walk(v, k)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)

    for o in objects:
        walk(o)
        if o["kind"] == "TriggerAuthentication":
            names |= {ref["name"] for ref in o["spec"]["secretTargetRef"]}
        if o["kind"] == "Ingress":
            names |= {tls["secretName"] for tls in o["spec"].get("tls", [])}
    return names


def test_secrets_are_referenced_never_committed_and_each_is_in_the_readme(overlay):
    assert not of_kind(overlay, "Secret"), "a Secret is committed in deploy/k8s"
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### On Kubernetes", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z0-9-]+)`", section))
    missing = sorted(referenced_secrets(overlay) - documented)
    assert not missing, f"secrets the README's On Kubernetes does not name: {missing}"


def test_every_metrics_port_has_a_service_monitor(overlay):
    monitors = of_kind(overlay, "ServiceMonitor")
    services = of_kind(overlay, "Service")
    deployments = of_kind(overlay, "Deployment")
    for name in procfile():
        ports = [p["name"] for p in container(deployments[name]).get("ports", [])]
        if not ports:
            continue  # relays, the renderer and the inbound consumer serve no metrics
        monitor = monitors[name]["spec"]
        selected = [s for s in services.values() if monitor["selector"]["matchLabels"].items()
                    <= s["metadata"]["labels"].items()]
        assert len(selected) == 1, name
        assert {e["port"] for e in monitor["endpoints"]} <= {
            p["name"] for p in selected[0]["spec"]["ports"]}
        # the metrics carry their own `service` label, which Prometheus would otherwise rename
        # to exported_service under the target's (the Kubernetes Service's name)
        assert all(e.get("honorLabels") for e in monitor["endpoints"]), name


def test_the_dashboard_charts_metrics_the_code_exports(overlay):
    [dashboard] = [o for o in of_kind(overlay, "ConfigMap").values()
                   if o["metadata"]["name"].startswith("grafana-dashboard")]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    panels = json.loads(next(iter(dashboard["data"].values())))["panels"]
    expressions = " ".join(t["expr"] for p in panels for t in p["targets"])
    used = set(re.findall(r"\b([a-z][a-z0-9_]+)(?:_bucket|_count)?\{", expressions))
    ours = {re.sub(r"_(bucket|count)$", "", m) for m in used
            if not m.startswith(("rabbitmq_", "kube_"))}
    source = "\n".join(p.read_text() for d in ("libs/common/credit_common", "services",
                                                "gateway/gateway")
                       for p in (ROOT / d).rglob("*.py") if "tests" not in p.parts)
    for metric in sorted(ours):
        assert f'"{metric}"' in source, f"the dashboard charts {metric}, which no code exports"
    assert {"gateway_request_seconds", "gateway_rpc_seconds", "outbox_backlog",
            "dead_letter_messages", "workflow_cases"} <= ours
