// The fields of the custom resources we declare, as JSON Schemas written here from each project's documentation:
// no package on the npm registry publishes these CRDs' schemas (AdminNetworkPolicy, EgressFirewall, CloudNativePG,
// the Barman Cloud plugin, OLM, Cilium, Calico), and the official CRDs may not be copied into the repository. They
// hold the fields, types, enums and required keys the stacks rely on; crds-reference.test.ts checks the same
// objects against the official CRDs when a developer has them.

const str = { type: "string", minLength: 1 };
const strings = { type: "array", items: str };
const labelSelector = {
    type: "object", additionalProperties: false,
    properties: {
        matchLabels: { type: "object", additionalProperties: { type: "string" } },
        matchExpressions: { type: "array", items: { type: "object", required: ["key", "operator"], additionalProperties: false,
            properties: { key: str, operator: { enum: ["In", "NotIn", "Exists", "DoesNotExist"] }, values: strings } } },
    },
};
const port = (range: boolean) => ({ type: "integer", minimum: range ? 1 : 1, maximum: 65535 });

/** policy.networking.k8s.io/v1alpha1 (network-policy-api v0.1.5): AdminNetworkPolicy. */
const anpPeer = {
    type: "object", minProperties: 1, maxProperties: 1,
    properties: {
        namespaces: labelSelector,
        pods: { type: "object", required: ["namespaceSelector", "podSelector"], properties: { namespaceSelector: labelSelector, podSelector: labelSelector } },
        networks: { type: "array", minItems: 1, maxItems: 25, items: { type: "string", pattern: "^[0-9./:a-fA-F]+$" } },
        nodes: labelSelector,
    },
};
const anpPorts = { type: "array", maxItems: 100, items: { type: "object", minProperties: 1, maxProperties: 1, properties: {
    portNumber: { type: "object", required: ["protocol", "port"], properties: { protocol: { enum: ["TCP", "UDP", "SCTP"] }, port: port(false) } },
    namedPort: str,
    portRange: { type: "object", required: ["start", "end"], properties: { protocol: { enum: ["TCP", "UDP", "SCTP"] }, start: port(true), end: port(true) } },
} } };
const anpRule = (peers: "to" | "from") => ({
    type: "object", required: ["action", peers], additionalProperties: false,
    properties: { name: { type: "string", maxLength: 100 }, action: { enum: ["Allow", "Deny", "Pass"] },
        [peers]: { type: "array", minItems: 1, maxItems: 100, items: anpPeer }, ports: anpPorts },
});
const anp = {
    type: "object", required: ["priority", "subject"], additionalProperties: false,
    properties: {
        priority: { type: "integer", minimum: 0, maximum: 1000 },
        subject: { type: "object", minProperties: 1, maxProperties: 1, properties: { namespaces: labelSelector,
            pods: { type: "object", required: ["namespaceSelector", "podSelector"] } } },
        ingress: { type: "array", maxItems: 100, items: anpRule("from") },
        egress: { type: "array", maxItems: 100, items: anpRule("to") },
    },
};

/** k8s.ovn.org/v1 EgressFirewall (OVN-Kubernetes): rules in order, one destination each. */
const egressFirewall = {
    type: "object", required: ["egress"], additionalProperties: false,
    properties: { egress: { type: "array", minItems: 1, maxItems: 8000, items: { type: "object", required: ["type", "to"], additionalProperties: false,
        properties: {
            type: { enum: ["Allow", "Deny"] },
            to: { type: "object", minProperties: 1, maxProperties: 1, properties: { cidrSelector: { type: "string", pattern: "^[0-9./]+$" }, dnsName: str, nodeSelector: labelSelector } },
            ports: { type: "array", items: { type: "object", required: ["protocol", "port"], properties: { protocol: { enum: ["TCP", "UDP", "SCTP"] }, port: port(false) } } },
        } } } },
};

/** postgresql.cnpg.io/v1 Cluster (CloudNativePG 1.26+): the fields this warehouse sets. */
const cnpgCluster = {
    type: "object", required: ["instances", "storage"],
    properties: {
        instances: { type: "integer", minimum: 1 },
        imageName: str,
        storage: { type: "object", required: ["size"], properties: { size: { type: "string", pattern: "^[0-9]+(Gi|Mi|Ti)$" }, storageClass: str } },
        affinity: { type: "object", properties: { enablePodAntiAffinity: { type: "boolean" }, topologyKey: str, podAntiAffinityType: { enum: ["preferred", "required"] } } },
        bootstrap: { type: "object", properties: { initdb: { type: "object", properties: { database: str, owner: str, dataChecksums: { type: "boolean" } } } } },
        postgresql: { type: "object", properties: {
            parameters: { type: "object", additionalProperties: { type: "string" },
                properties: { ssl_min_protocol_version: { enum: ["TLSv1.2", "TLSv1.3"] } } },
            pg_hba: strings } },
        managed: { type: "object", properties: { roles: { type: "array", items: { type: "object", required: ["name"], properties: {
            name: str, ensure: { enum: ["present", "absent"] }, login: { type: "boolean" }, inRoles: strings,
            connectionLimit: { type: "integer", minimum: -1 }, passwordSecret: { type: "object", required: ["name"], properties: { name: str } } } } } } },
        plugins: { type: "array", items: { type: "object", required: ["name"], properties: { name: str, isWALArchiver: { type: "boolean" },
            parameters: { type: "object", additionalProperties: { type: "string" } } } } },
        inheritedMetadata: { type: "object" },
    },
};
/** postgresql.cnpg.io/v1 ScheduledBackup: a six-field cron schedule (seconds first), a cluster, a method. */
const cnpgScheduledBackup = {
    type: "object", required: ["schedule", "cluster"],
    properties: {
        schedule: { type: "string", pattern: "^\\S+( \\S+){5}$" },
        immediate: { type: "boolean" },
        backupOwnerReference: { enum: ["none", "self", "cluster"] },
        cluster: { type: "object", required: ["name"], properties: { name: str } },
        method: { enum: ["barmanObjectStore", "volumeSnapshot", "plugin"] },
        pluginConfiguration: { type: "object", required: ["name"], properties: { name: str } },
    },
};
/** barmancloud.cnpg.io/v1 ObjectStore (plugin-barman-cloud). */
const objectStore = {
    type: "object", required: ["configuration"],
    properties: {
        configuration: { type: "object", required: ["destinationPath"], properties: {
            destinationPath: { type: "string", pattern: "^s3://" }, endpointURL: { type: "string", pattern: "^https://" },
            s3Credentials: { type: "object", properties: {
                accessKeyId: { type: "object", required: ["name", "key"] }, secretAccessKey: { type: "object", required: ["name", "key"] } } },
            wal: { type: "object", properties: { compression: { enum: ["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"] } } },
            data: { type: "object", properties: { compression: { enum: ["bzip2", "gzip", "lz4", "snappy", "xz", "zstd"] } } },
        } },
        retentionPolicy: { type: "string", pattern: "^[1-9][0-9]*[dwm]$" },
    },
};
/** operators.coreos.com OperatorGroup (v1) and Subscription (v1alpha1), as OLM reads them. */
const operatorGroup = { type: "object", properties: { targetNamespaces: { type: "array", minItems: 1, items: str } } };
const subscription = {
    type: "object", required: ["name", "source", "sourceNamespace"],
    properties: { name: str, channel: str, source: str, sourceNamespace: str, installPlanApproval: { enum: ["Automatic", "Manual"] } },
};
/** cilium.io/v2 CiliumClusterwideNetworkPolicy: an endpoint selector and deny rules to or from endpoints. */
const ciliumDeny = (key: string) => ({ type: "array", items: { type: "object", required: [key], properties: { [key]: { type: "array", minItems: 1, items: labelSelector } } } });
const ccnp = {
    type: "object", required: ["endpointSelector"],
    properties: { endpointSelector: labelSelector, ingressDeny: ciliumDeny("fromEndpoints"), egressDeny: ciliumDeny("toEndpoints") },
};
/** crd.projectcalico.org/v1 GlobalNetworkPolicy: order, selector, types and ordered rules. */
const calicoRule = (side: string) => ({ type: "array", items: { type: "object", required: ["action"], properties: {
    action: { enum: ["Allow", "Deny", "Log", "Pass"] }, [side]: { type: "object", properties: { namespaceSelector: str, selector: str } } } } });
const gnp = {
    type: "object", required: ["selector"],
    properties: { order: { type: "number" }, selector: str, types: { type: "array", items: { enum: ["Ingress", "Egress"] } },
        ingress: calicoRule("source"), egress: calicoRule("destination") },
};

/** Schema of a custom resource's `spec`, by its Pulumi type token; metadata is checked for every kind alike. */
export const CRD_SPECS: Readonly<Record<string, object>> = {
    "kubernetes:policy.networking.k8s.io/v1alpha1:AdminNetworkPolicy": anp,
    "kubernetes:k8s.ovn.org/v1:EgressFirewall": egressFirewall,
    "kubernetes:postgresql.cnpg.io/v1:Cluster": cnpgCluster,
    "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup": cnpgScheduledBackup,
    "kubernetes:barmancloud.cnpg.io/v1:ObjectStore": objectStore,
    "kubernetes:operators.coreos.com/v1:OperatorGroup": operatorGroup,
    "kubernetes:operators.coreos.com/v1alpha1:Subscription": subscription,
    "kubernetes:cilium.io/v2:CiliumClusterwideNetworkPolicy": ccnp,
    "kubernetes:crd.projectcalico.org/v1:GlobalNetworkPolicy": gnp,
};

/** Object names every kind shares: a DNS subdomain, namespaced or not. */
export const METADATA = {
    type: "object", required: ["name"],
    properties: { name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$" }, namespace: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" },
        labels: { type: "object", additionalProperties: { type: "string", maxLength: 63 } } },
};
