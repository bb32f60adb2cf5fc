// OpenBao on OpenShift, as the values of the upstream chart: three servers spread over the availability zones with
// integrated Raft storage, TLS from OpenShift's service CA, declarative audit devices on a persistent volume, the
// restricted SCC, no Route, no UI, no agent injector. Pure functions so the values are reviewed and tested as data.

import { OPENBAO, OPENBAO_PORT, PlatformNames } from "./names";
import { Pkcs11Seal } from "./settings";

/** The upstream chart, pinned (chart 0.29.2 ships OpenBao 2.6.2). */
export const OPENBAO_CHART = {
    chart: "openbao",
    version: "0.29.2",
    repo: "https://openbao.github.io/openbao-helm",
} as const;

export const OPENBAO_REPLICAS = 3;
/** Asks OpenShift's service CA for a serving certificate for the annotated Service, in the named Secret. */
export const SERVING_CERT_ANNOTATION = "service.beta.openshift.io/serving-cert-secret-name";
/** The Secret OpenShift's service CA writes the serving certificate into. */
export const OPENBAO_TLS_SECRET = "openbao-server-tls";
/** The Secret holding the HSM PIN when the PKCS#11 seal is used. */
export const OPENBAO_HSM_SECRET = "openbao-hsm";
const USERCONFIG = "/openbao/userconfig";
const AUDIT_DIR = "/openbao/audit";
/** Mounted in every pod by OpenShift: the CA that signs service-serving certificates. */
export const SERVICE_CA_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt";

export interface OpenBaoOptions {
    readonly names: PlatformNames;
    /** Namespaces whose pods (selected by labels) must reach OpenBao besides research projects: the data mover. */
    readonly clients?: readonly { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> }[];
    readonly seal: { readonly type: "shamir" } | Pkcs11Seal;
    readonly dataStorageGi: number;
    readonly auditStorageGi: number;
    readonly storageClass?: string;
    readonly labels: Readonly<Record<string, string>>;
}

/**
 * The server configuration (HCL). Raft peers join each other through the headless service; they verify the
 * certificate OpenShift issued for the client-facing service name, so one certificate serves both.
 */
export function openbaoConfig(options: OpenBaoOptions): string {
    const { names, seal } = options;
    const retryJoin = Array.from({ length: OPENBAO_REPLICAS }, (_, i) => [
        "  retry_join {",
        `    leader_api_addr       = "https://${OPENBAO}-${i}.${OPENBAO}-internal.${names.keysNamespace}.svc:${OPENBAO_PORT}"`,
        `    leader_tls_servername = "${names.openbaoHost}"`,
        `    leader_ca_cert_file   = "${SERVICE_CA_FILE}"`,
        "  }",
    ].join("\n"));
    const lines = [
        "ui = false",
        // The restricted SCC grants no IPC_LOCK; Raft storage is memory-mapped anyway.
        "disable_mlock = true",
        "",
        'listener "tcp" {',
        `  address         = "[::]:${OPENBAO_PORT}"`,
        '  cluster_address = "[::]:8201"',
        `  tls_cert_file   = "${USERCONFIG}/${OPENBAO_TLS_SECRET}/tls.crt"`,
        `  tls_key_file    = "${USERCONFIG}/${OPENBAO_TLS_SECRET}/tls.key"`,
        '  tls_min_version = "tls12"',
        "}",
        "",
        'storage "raft" {',
        '  path = "/openbao/data"',
        ...retryJoin,
        "}",
        "",
        'service_registration "kubernetes" {}',
        "",
        // Declarative audit devices: OpenBao refuses to create them through the API. Two devices, because a
        // request fails when no device can record it: the volume keeps the record, stdout feeds cluster logging.
        'audit "file" "volume" {',
        '  description = "Every request and response, HMAC-protected, on the audit volume"',
        "  options {",
        `    file_path = "${AUDIT_DIR}/audit.log"`,
        '    mode      = "0600"',
        "  }",
        "}",
        'audit "file" "stdout" {',
        '  description = "The same records for the cluster\'s log collection"',
        "  options {",
        '    file_path = "/dev/stdout"',
        "  }",
        "}",
    ];
    if (seal.type === "pkcs11") {
        lines.push(
            "",
            // The PIN comes from the environment (BAO_HSM_PIN), never from this ConfigMap.
            'seal "pkcs11" {',
            `  lib         = "${seal.library}"`,
            `  token_label = "${seal.tokenLabel}"`,
            `  key_label   = "${seal.keyLabel}"`,
            "}",
        );
    }
    return lines.join("\n") + "\n";
}

/** The chart values. */
export function openbaoValues(options: OpenBaoOptions): Record<string, unknown> {
    const { names, seal, labels } = options;
    const spreadOverZones = [{
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": OPENBAO, component: "server" } },
    }];
    return {
        fullnameOverride: OPENBAO,
        global: { openshift: true, tlsDisable: false },
        injector: { enabled: false },
        csi: { enabled: false },
        ui: { enabled: false },
        server: {
            ...(seal.type === "pkcs11" ? { image: { ...seal.image } } : {}),
            extraLabels: { ...labels },
            // Pod security comes from the restricted-v2 SCC (UID from the namespace range); the container
            // settings are stated as well, so the pods also pass the namespace's restricted Pod Security level.
            statefulSet: {
                securityContext: {
                    pod: {},
                    container: {
                        allowPrivilegeEscalation: false,
                        capabilities: { drop: ["ALL"] },
                        runAsNonRoot: true,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                },
            },
            topologySpreadConstraints: spreadOverZones,
            dataStorage: { enabled: true, size: `${options.dataStorageGi}Gi`, storageClass: options.storageClass ?? null },
            auditStorage: { enabled: true, size: `${options.auditStorageGi}Gi`, storageClass: options.storageClass ?? null },
            extraVolumes: [{ type: "secret", name: OPENBAO_TLS_SECRET }],
            ...(seal.type === "pkcs11" ? {
                extraSecretEnvironmentVars: [{ envName: "BAO_HSM_PIN", secretName: OPENBAO_HSM_SECRET, secretKey: "pin" }],
            } : {}),
            service: {
                enabled: true,
                // No `annotations` here: the chart copies them onto the active, standby and headless Services too,
                // and four Services asking OpenShift's service CA for one Secret leave three in
                // serving-cert-generation-error and the certificate's name to a race. The client-facing Service alone
                // is annotated, by the stack (keys.ts, SERVING_CERT_ANNOTATION).
                // Clients only reach unsealed servers; Raft joins use the headless service.
                publishNotReadyAddresses: false,
            },
            route: { enabled: false },
            ingress: { enabled: false },
            networkPolicy: {
                enabled: true,
                ingress: [
                    {
                        // Research workloads and the catalogue; the AdminNetworkPolicies narrow it per project.
                        from: [{ namespaceSelector: { matchExpressions: [
                            { key: "health-data.fr/research-project", operator: "Exists" }] } }],
                        ports: [{ port: OPENBAO_PORT, protocol: "TCP" }],
                    },
                    ...(options.clients ?? []).map(c => ({
                        // The data mover wraps with the target keys during the migration.
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": c.namespace } },
                            podSelector: { matchLabels: { ...c.podLabels } } }],
                        ports: [{ port: OPENBAO_PORT, protocol: "TCP" }],
                    })),
                    {
                        // The other servers: API (joins, forwarding) and cluster ports.
                        from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": OPENBAO } } }],
                        ports: [{ port: OPENBAO_PORT, protocol: "TCP" }, { port: 8201, protocol: "TCP" }],
                    },
                ],
            },
            ha: {
                enabled: true,
                replicas: OPENBAO_REPLICAS,
                raft: { enabled: true, setNodeId: true, config: openbaoConfig(options) },
                disruptionBudget: { enabled: true, maxUnavailable: 1 },
            },
        },
    };
}
