//! The `compose.*` rule table: ids, codes, explain texts (with the CIS Docker Benchmark and
//! KICS equivalents) and the compose edits that fix each finding.

use super::rules::{self, Lookup};
use super::{Rule, Subject};
use crate::checks::Finding;
use crate::probes::compose::ComposeService;

fn none(_: &ComposeService, _: &dyn Lookup) -> Vec<Finding> {
    Vec::new()
}

fn list(names: &[String]) -> String {
    names.join(", ")
}

fn steps_syntax(_: &[String]) -> Vec<String> {
    Vec::new()
}
fn steps_privileged(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: remove `privileged: true`; add only the capabilities it needs with `cap_add`, and the devices with `devices:`.", list(n))]
}
fn steps_socket(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: remove the engine socket volume. If the service must manage containers, use a socket proxy that allows only the needed API calls, or rootless Docker.", list(n))]
}
fn steps_network(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: remove `network_mode: host` and publish the needed ports with `ports:` (e.g. \"127.0.0.1:8000:8000\").", list(n))]
}
fn steps_namespaces(n: &[String]) -> Vec<String> {
    vec![format!(
        "For service {}: remove the `pid`/`ipc`/`uts`/`userns_mode: host` settings.",
        list(n)
    )]
}
fn steps_user(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: set `user: \"1000:1000\"` (on mambaorg/micromamba images the user is mambauser, `user: \"57439:57439\"` or the image's default).", list(n))]
}
fn steps_read_only(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: set `read_only: true`, and add `tmpfs: [/tmp]` (or volumes) for the paths the app must write; where a finding names other paths for its service (a database's socket folder), give those.", list(n))]
}
fn steps_caps(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: set `cap_drop: [ALL]` and add back only what the app needs (e.g. `cap_add: [NET_BIND_SERVICE]`, or the capabilities a finding names for its service, such as a database entrypoint's `CHOWN, SETUID, SETGID`); never SYS_ADMIN, NET_ADMIN, SYS_PTRACE or ALL.", list(n))]
}
fn steps_nnp(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: add `security_opt: [\"no-new-privileges:true\"]` and remove any `seccomp:unconfined`, `apparmor:unconfined` or `label:disable`.", list(n))]
}
fn steps_limits(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: add the limits its finding names as missing under `deploy: {{resources: {{limits: …}}}}`, e.g. `cpus: \"1.0\"`, `memory: 512M`, `pids: 256` (or `cpus`, `mem_limit`, `pids_limit`), sized for the service; keep the limits and reservations it sets (a memory limit below its reservation is refused).", list(n))]
}
fn steps_health(n: &[String]) -> Vec<String> {
    vec![
        format!("For service {}: add a `healthcheck:` whose test exits 0 when the service is healthy, with `interval: 30s, timeout: 5s, retries: 3`, or a HEALTHCHECK in the Dockerfile it builds; do not set `disable: true`.", list(n)),
        "Tests that work without curl: an HTTP app on its own port and health route `[\"CMD\", \"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')\"]`; redis `[\"CMD\", \"redis-cli\", \"ping\"]`; postgres `[\"CMD-SHELL\", \"pg_isready\"]`; mysql and mariadb `[\"CMD\", \"mysqladmin\", \"ping\"]`.".to_string(),
        "Where the finding says a healthcheck passes when the app is broken: end its test in `|| exit 1`, not `|| exit 0` or `|| true`, and give curl `-f` (`curl -fsS URL || exit 1`).".to_string(),
    ]
}
fn steps_health_tool(n: &[String]) -> Vec<String> {
    vec![
        format!("For service {}: run a program the image has, such as the environment's Python (`test: [\"CMD\", \"python\", \"-c\", \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:PORT/ROUTE')\"]`), or add `curl` to the dependencies of the environment file the image installs (conda-forge).", list(n)),
        "Where the finding says the MCP server does not serve the route: its code declares no health route. Add one (`@mcp.custom_route(\"/health\", methods=[\"GET\"])` answering 200) and keep the test, or check that the port accepts a connection: `test: [\"CMD\", \"python\", \"-c\", \"import socket; socket.create_connection(('127.0.0.1', PORT), 3)\"]`.".to_string(),
    ]
}
fn steps_ports(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: publish each reported port on a host port above 1024, keeping its container port (`\"443:5000\"` becomes `\"127.0.0.1:8443:5000\"`), and put a reverse proxy in front for 80/443.", list(n))]
}
fn steps_env_file(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: create each env file the findings name, at the path they name (from the example a finding names, where there is one), and fill in the values; keep it out of git.", list(n))]
}
fn steps_build(n: &[String]) -> Vec<String> {
    vec![format!("For service {}: point `build:` at the folder that holds its Dockerfile (`context:`), and name the file with `dockerfile:` when it is not called Dockerfile (one the finding names), or add the missing file.", list(n))]
}
fn steps_secrets(n: &[String]) -> Vec<String> {
    vec![
        format!("For service {}: remove the plaintext values and rotate those credentials (they are in version control).", list(n)),
        "Reference them instead: `NAME: ${NAME}` (or `${NAME:?NAME is required}`, never a `${NAME:-value}` fallback) from an untracked .env file, `env_file:`, or compose `secrets:` mounted under /run/secrets.".to_string(),
    ]
}

pub(crate) const RULES: &[Rule] = &[
    Rule {
        id: "compose.syntax",
        code: "DC000",
        title: "Compose files parse",
        explain: "Reads the compose files (`docker.compose_files` in devdoctor.toml, else compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml in the project; a `docker-compose.NAME.yml` beside one is a variant merged over it, unless the README, Makefile or a script runs it on its own with a single `-f`, which makes it a stack of its own) as YAML, with `x-` extension fields, anchors, aliases and `<<` merge keys, and checks there is a `services:` mapping of service mappings. A file that cannot be read or parsed is a failure with its line and reason; the other compose.* checks then report unknown for it. A file whose service is named by a variable (`$TAG:`) is a template that a script fills in (compose refuses such a name): it is left out of every rule, and the reason is given. Alias expansion is budgeted, so an alias bomb is refused rather than exhausting memory. Fix: correct the file; `docker compose config --quiet` validates it.",
        ok: "",
        judge: none,
        steps: steps_syntax,
        action: "Fix the compose file at the line shown",
        why: "docker compose refuses a file it cannot parse",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.privileged",
        code: "DC001",
        title: "No privileged services",
        explain: "Fails when a service sets `privileged: true`: it gets every capability, all host devices and no seccomp/AppArmor confinement, so a compromise is a host compromise. The policy forbids it. Equivalents: CIS Docker 5.5, KICS privileged_containers_enabled. Fix: remove it and add only the needed capabilities or devices.",
        ok: "no service runs privileged",
        judge: rules::privileged,
        steps: steps_privileged,
        action: "Drop `privileged: true`",
        why: "A privileged container is root on the host",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.docker_socket",
        code: "DC002",
        title: "No container engine socket mounted",
        explain: "Fails when a service mounts docker.sock (or podman.sock, containerd.sock, crio.sock), in the short (`/var/run/docker.sock:/var/run/docker.sock`) or long (`type: bind, source: …`) volume syntax. Whoever reaches the socket can start a privileged container, which is root on the host. Equivalents: CIS Docker 5.32, KICS docker_socket_mounted_in_container. Fix: remove the mount, or use a restricted socket proxy.",
        ok: "no service mounts the engine socket",
        judge: rules::docker_socket,
        steps: steps_socket,
        action: "Remove the engine socket mount",
        why: "Access to the engine socket is root on the host",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.host_network",
        code: "DC003",
        title: "No host networking",
        explain: "Fails on `network_mode: host`: the service shares the host's network stack, can bind any host port and reach services on the host's loopback. Equivalents: CIS Docker 5.10, KICS network_mode_host_exists. Fix: use the default bridge network and publish ports.",
        ok: "no service uses host networking",
        judge: rules::host_network,
        steps: steps_network,
        action: "Use a compose network instead of `network_mode: host`",
        why: "Host networking removes the network isolation of the container",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.host_namespaces",
        code: "DC004",
        title: "No shared host PID/IPC/UTS/user namespace",
        explain: "Fails on `pid: host`, `ipc: host`, `uts: host` or `userns_mode: host`. With the host PID namespace the container sees and can signal every host process; with IPC it shares host shared memory. Equivalents: CIS Docker 5.16, 5.17, 5.21, 5.31; KICS host_namespace_is_shared, shared_host_ipc_namespace. Fix: remove the setting.",
        ok: "no service shares a host namespace",
        judge: rules::host_namespaces,
        steps: steps_namespaces,
        action: "Stop sharing the host's namespaces",
        why: "Shared host namespaces break process isolation",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.user",
        code: "DC005",
        title: "Services run as a non-root user",
        explain: "Each service should set `user:` to a non-root uid (the policy asks for 1000). `user: root` or `0` fails. Without `user:` the service is fine when its image is known to run as non-root: a `build:` whose Dockerfile's final stage (the stage `build.target` names, where it names one) sets a non-root USER or builds on mambaorg/micromamba (likewise an `image:` that another service of the project builds, by repository, any tag: compose.yml runs `org/app:1.2`, compose.dev.yml builds `org/app:dev`), an `image:` on mambaorg/micromamba, one of Docker's official database or broker images whose entrypoint drops from root to the server's own user (postgres, mysql, mariadb, redis, mongo, rabbitmq, and pgvector/pgvector, postgis/postgis and timescale/timescaledb, which keep postgres's entrypoint: a `user:` there breaks the first start on a fresh volume), a monitoring image that sets its own user (prom/prometheus, grafana/grafana, grafana/loki), or a local image whose Config.User is non-root; otherwise it is a warning. A `user:` built of variables that are unset where compose runs (`${UID}:${GID}` from a bash that does not export `UID`, and no `.env` beside the file setting them) is blanked by compose, and Docker runs a blank user as root: a warning that says how to set them. Equivalents: CIS Docker 4.1, trivy DS-0002 for the image. Fix: `user: \"1000:1000\"`. A service that builds a Dockerfile which dockerfile.user already reports is not reported again: the rule points there (see dockerfile.user), and skips when no other service is left.",
        ok: "every service runs as a non-root user",
        judge: rules::user,
        steps: steps_user,
        action: "Run the service as a non-root user",
        why: "A container running as root turns an app bug into root on the host kernel",
        not_deployed: false,
        subject: None,
    },
    Rule {
        id: "compose.read_only",
        code: "DC006",
        title: "Services have a read-only root filesystem",
        explain: "Warns when a service lacks `read_only: true`. A read-only root filesystem stops an attacker from changing binaries or dropping tools; writable paths go in `tmpfs:` or volumes; for a postgres or mysql image the finding names the folder its server writes its socket in. Equivalent: CIS Docker 5.13. The image checks can verify it in a real container with --run-containers. Fix: `read_only: true` plus `tmpfs: [/tmp]`.",
        ok: "every service has a read-only root filesystem",
        judge: rules::read_only,
        steps: steps_read_only,
        action: "Set `read_only: true`",
        why: "A writable root filesystem lets an intruder modify the container",
        not_deployed: false,
        subject: None,
    },
    Rule {
        id: "compose.cap_drop",
        code: "DC007",
        title: "Capabilities are dropped",
        explain: "Warns when a service does not set `cap_drop: [ALL]`, and checks `cap_add`: ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, NET_ADMIN, DAC_READ_SEARCH, BPF and similar break isolation (fail); other capabilities outside Docker's default set are a warning. `CAP_` prefixes and lower case are accepted. Equivalents: CIS Docker 5.4; KICS container_capabilities_unrestricted, check_cap_add_cap_drop. Fix: `cap_drop: [ALL]` and add back only what is needed.",
        ok: "every service drops all capabilities",
        judge: rules::cap_drop,
        steps: steps_caps,
        action: "Drop all capabilities (`cap_drop: [ALL]`) and add back only what is needed",
        why: "Default capabilities are more than a web service needs",
        not_deployed: false,
        subject: None,
    },
    Rule {
        id: "compose.no_new_privileges",
        code: "DC008",
        title: "no-new-privileges is set",
        explain: "Warns when a service's `security_opt` lacks `no-new-privileges:true` (setuid binaries could then gain privileges), and fails on `seccomp:unconfined`, `apparmor:unconfined`, `label:disable` or `systempaths=unconfined`, which switch off kernel confinement. Equivalents: CIS Docker 5.26, 5.3, 5.22; KICS no_new_privileges_not_set, seccomp_disabled. Fix: `security_opt: [\"no-new-privileges:true\"]`.",
        ok: "every service sets no-new-privileges",
        judge: rules::no_new_privileges,
        steps: steps_nnp,
        action: "Add `security_opt: [\"no-new-privileges:true\"]`",
        why: "Without no-new-privileges a setuid binary can raise privileges inside the container",
        not_deployed: false,
        subject: None,
    },
    Rule {
        id: "compose.limits",
        code: "DC009",
        title: "Memory, CPU and PID limits are set",
        explain: "Warns when a service has no memory limit (`mem_limit` or `deploy.resources.limits.memory`), no CPU limit (`cpus`, `cpu_quota`, `cpu_shares` or `deploy.resources.limits.cpus`) or no PID limit (`pids_limit` or `deploy.resources.limits.pids`; 0 and -1 mean unlimited). Without them one runaway or fork-bombed service starves the host. Equivalents: CIS Docker 5.11, 5.12, 5.29; KICS memory_not_limited, cpus_not_limited, pids_limit_not_set. Fix: set `deploy.resources.limits`.",
        ok: "every service has memory, CPU and PID limits",
        judge: rules::limits,
        steps: steps_limits,
        action: "Set memory, CPU and pids limits",
        why: "An unlimited service can starve the host",
        not_deployed: false,
        subject: None,
    },
    Rule {
        id: "compose.healthcheck",
        code: "DC010",
        title: "Services have a healthcheck",
        explain: "Warns when a service has no `healthcheck:` (or `disable: true`, or test NONE), or a test that passes when the service is broken (it ends in `|| exit 0` or `|| true`, runs only `true`, or curl without `-f`, which exits 0 on a 500), unless its image brings one: the HEALTHCHECK of the Dockerfile it builds, or a local image's Config.Healthcheck. A one-shot job (another service waits on it with `condition: service_completed_successfully`) and an interactive container (`tty` or `stdin_open`, no ports) need none. Without it `depends_on: condition: service_healthy` and restarts cannot tell a hung server from a healthy one. Equivalents: CIS Docker 4.6 and 5.27; KICS healthcheck_not_set. Fix: a `healthcheck:` whose test fits the service (an HTTP app's health route through the image's Python, `redis-cli ping`, `pg_isready`). A service that builds a Dockerfile which dockerfile.healthcheck already reports is not reported again: the rule points there (see dockerfile.healthcheck), and skips when no other service is left.",
        ok: "every service has a healthcheck or needs none",
        judge: rules::healthcheck,
        steps: steps_health,
        action: "Give the service a healthcheck that fails when it is broken",
        why: "Without a healthcheck that can fail a hung service looks healthy",
        not_deployed: false,
        subject: None,
    },
    Rule {
        id: "compose.healthcheck_tool",
        code: "DC015",
        title: "The healthcheck can pass: its program is in the image, its route is served",
        explain: "A service's `healthcheck:` replaces the HEALTHCHECK of its image and runs inside it, so for a service that builds its image this judges the test as dockerfile.healthcheck_tool judges a HEALTHCHECK; for one that runs an image it does not build (`image: python:3.12-slim`), only what that image is known to lack (curl or wget, a shell) is judged, from its name. Fails when its program is not in the final image: judged in the built image's layers when there is one, else curl/wget on bases that ship neither (mambaorg/micromamba, slim, ubuntu, distroless, scratch; curl on alpine) with no RUN, COPY or environment-file entry that installs it; or when `CMD-SHELL` or a string test needs a /bin/sh the base lacks. Fails too when the image starts the project's MCP server over HTTP, the server's code declares no health route, and the test asks another path in a way that fails on a 404 (curl with `-f`/`--fail`, wget, Python's `urlopen`): the SDKs serve no `/health`, so the service never becomes healthy and whatever waits on `condition: service_healthy` never starts. The route is not judged for a service with a `command:` of its own, nor for a server that declares a health route (it may declare more than the one devdoctor reads), nor where the test asks the MCP endpoint. What the Dockerfile's own HEALTHCHECK gets wrong alike is reported by dockerfile.healthcheck_tool, and this rule points there. No CIS or KICS equivalent. Fix: run a program the image has (the environment's Python), and ask a route the server serves or check that the port accepts a connection.",
        ok: "no healthcheck runs a program its image lacks or asks a route its server does not serve",
        judge: rules::healthcheck_tool,
        steps: steps_health_tool,
        action: "Make the healthcheck one that can pass",
        why: "A healthcheck that cannot run, or gets a 404, fails forever, so the service is never healthy",
        not_deployed: false,
        subject: Some(Subject {
            has: rules::has_test,
            absent: "not applicable: no service sets a healthcheck test",
        }),
    },
    Rule {
        id: "compose.ports",
        code: "DC011",
        title: "Only unprivileged host ports are published",
        explain: "Warns when a service publishes a host port at or below 1024, in the short syntax (\"80:8000\", \"127.0.0.1:443:8443\", \"[::1]:53:53/udp\", ranges such as \"80-90:8080-8090\") or the long one (`published:`). `${PORT:-80}` is read with its default; a bare container port (\"8000\") gets a random host port and is fine. The policy uses ports above 1024. Equivalents: CIS Docker 5.8 (flags ports below 1025); KICS privileged_ports_mapped_in_container. Fix: publish a high port behind a proxy.",
        ok: "no service publishes a privileged host port",
        judge: rules::ports,
        steps: steps_ports,
        action: "Publish a host port above 1024",
        why: "Privileged ports need root or extra capabilities",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.secrets",
        code: "DC012",
        title: "No plaintext secrets in environment",
        explain: "Fails when a service's `environment:` (map or list form) or `build.args` gives a credential-looking name (…TOKEN, …SECRET, …PASSWORD, API_KEY, …; not …_FILE or …_PATH) a literal value, or any name a URL with a literal password (`DATABASE_URL=postgresql://app:hunter2@db/app`), or when a `command:` option with such a name has one (`redis-server --requirepass s3cret`). `${VAR}` references, pass-through names and booleans are fine; a reference with a literal fallback (`${REDIS_PASSWORD:-changeme}`) warns, as the fallback is a plaintext value too. Values are never printed, in any output format: only the service, the name and the line. Why: the compose file is in version control, and `docker inspect` shows the environment (CIS Docker 4.10). Fix: remove and rotate the value; use `${VAR}` from an untracked .env, `env_file:` or compose `secrets:`.",
        ok: "no plaintext secrets in service environments",
        judge: rules::secrets,
        steps: steps_secrets,
        action: "Move credentials to secrets or an untracked .env",
        why: "Plaintext credentials in a compose file leak through git and docker inspect",
        not_deployed: true,
        subject: None,
    },
    Rule {
        id: "compose.env_file",
        code: "DC013",
        title: "The env files services read are there",
        explain: "Fails when a service's `env_file:` names a file that is not there (and not `required: false`): `docker compose up` stops with \"env file … not found\". In a fresh clone this is the usual first step the README asks for (`cp .env.example .env`): the finding names the example to copy when one sits beside it (`.env.example`, `.sample`, `.template`, `.dist`, or written `env.example`, `example.env`, `.env-example`). Paths through a variable or out of the project are not looked at. No CIS or KICS equivalent. Fix: create the file (from its example) and fill in the values; keep it out of git (see dotenv.gitignore).",
        ok: "every env_file the services read is there",
        judge: rules::env_file,
        steps: steps_env_file,
        action: "Create the env files the services read",
        why: "Docker compose refuses to start a service whose env_file is missing",
        not_deployed: true,
        subject: Some(Subject {
            has: |s| !s.env_files.is_empty(),
            absent: "not applicable: no service reads an env_file",
        }),
    },
    Rule {
        id: "compose.build",
        code: "DC014",
        title: "What the services build from is there",
        explain: "Fails when a service's local `build:` names a context folder that is not there, or a Dockerfile that is not in it (`Dockerfile` unless `dockerfile:` says otherwise; the builder also takes a lowercase `dockerfile`): `docker compose build` stops, and so does `up` for a service without an `image:` to run instead (with one, it warns). The finding names the Dockerfile-like files the folder does hold (`Dockerfile.dev`, `api.Dockerfile`), the usual cause being a renamed file. An override that sets only `target:` or `args:` builds the base file's context, as compose merges it. A remote context (a git URL), `dockerfile_inline:`, a path through a variable, out of the project or through a linked folder is not looked at. No CIS or KICS equivalent. Fix: point `context:` at the folder with the Dockerfile, or name it with `dockerfile:`.",
        ok: "every service's build context and Dockerfile are there",
        judge: rules::build,
        steps: steps_build,
        action: "Point each build at its Dockerfile",
        why: "Docker compose cannot build a service whose context or Dockerfile is missing",
        not_deployed: true,
        subject: Some(Subject {
            has: |s| s.builds,
            absent: "not applicable: no service builds an image",
        }),
    },
];
