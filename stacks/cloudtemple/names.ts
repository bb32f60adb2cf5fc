// Names that several Cloud Temple blocks must agree on: the platform namespaces, the OpenBao service and the
// catalogue cluster, bucket and transit key names. Derived from the spec so that two warehouses never collide.

import { WarehouseSpec } from "../../components/model";

/** The OpenBao release, its Service and its server pods' name label. */
export const OPENBAO = "openbao";
export const OPENBAO_PORT = 8200;
/** The CloudNativePG cluster holding the catalogue. */
export const CATALOG_CLUSTER = "catalog";
export const POSTGRES_PORT = 5432;
/** Where the transit secrets engine is mounted. */
export const TRANSIT_PATH = "transit";
/** Where the Kubernetes auth method is mounted. */
export const KUBERNETES_AUTH_PATH = "kubernetes";
/** The audience research workloads request for the service-account token they log in to OpenBao with. */
export const OPENBAO_AUDIENCE = "openbao";

/** OpenShift's cluster DNS: its pods listen on 5353 behind the dns-default Service. */
export const OPENSHIFT_DNS = {
    namespace: "openshift-dns",
    podLabels: { "dns.operator.openshift.io/daemonset-dns": "default" },
    ports: [5353],
} as const;

export interface PlatformNames {
    readonly keysNamespace: string;
    readonly catalogNamespace: string;
    /** OpenBao's in-cluster address, the name its serving certificate is issued for. */
    readonly openbaoHost: string;
    readonly openbaoUrl: string;
    readonly catalogHost: string;
    readonly catalogReadOnlyHost: string;
    readonly catalogDatabase: string;
    readonly bucketPrefix: string;
    readonly platformKey: string;
}

export function platformNames(spec: WarehouseSpec): PlatformNames {
    const keysNamespace = `${spec.name}-keys`;
    const catalogNamespace = `${spec.name}-catalog`;
    const openbaoHost = `${OPENBAO}.${keysNamespace}.svc`;
    return {
        keysNamespace,
        catalogNamespace,
        openbaoHost,
        openbaoUrl: `https://${openbaoHost}:${OPENBAO_PORT}`,
        // CloudNativePG's services: -rw reaches the primary, -ro the replicas only.
        catalogHost: `${CATALOG_CLUSTER}-rw.${catalogNamespace}.svc`,
        catalogReadOnlyHost: `${CATALOG_CLUSTER}-ro.${catalogNamespace}.svc`,
        catalogDatabase: "catalog",
        bucketPrefix: `${spec.name}-${spec.environment}`,
        platformKey: `${spec.name}-platform`,
    };
}

/** A research project's transit key. */
export function projectKeyName(spec: WarehouseSpec, projectId: string): string {
    return `${spec.name}-rp-${projectId}`;
}

/** A research project's bucket. */
export function projectBucketName(spec: WarehouseSpec, projectId: string): string {
    return `${platformNames(spec).bucketPrefix}-rp-${projectId}`;
}

/** A research project's OpenBao role and policy. */
export function projectRoleName(projectId: string): string {
    return `rp-${projectId}`;
}

/** The data mover's OpenBao role and policy for one scope (a research project, or "platform"). */
export function moverRoleName(scope: string): string {
    return `data-mover-${scope}`;
}
