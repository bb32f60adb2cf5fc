// Compute on Cloud Temple: the SecNumCloud-qualified OpenShift cluster, ordered through Cloud Temple and delivered
// with a kubeconfig. Nothing here creates or resizes it (no API does): this block exposes the cluster the network
// block took over, so the portable layer deploys onto it like onto any other target.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterDns, ClusterPlatform, Compute, Endpoint } from "../../components/target";
import { CloudTempleNetwork } from "./network";
import { CloudTempleSettings } from "./settings";
import { OPENSHIFT_DNS } from "./names";

export interface CloudTempleComputeArgs {
    readonly network: CloudTempleNetwork;
    readonly settings: CloudTempleSettings;
}

export class CloudTempleCompute extends pulumi.ComponentResource implements Compute {
    readonly clusterName: pulumi.Output<string>;
    readonly apiEndpoint: Endpoint;
    /**
     * Cloud Temple filters the API server itself: "restricted" when it is published with an address allow-list
     * kept by Cloud Temple support (the admin CIDRs), "private" when it is reachable only over the tenant's private
     * interconnect. The stack cannot change either; it states which one was ordered.
     */
    readonly apiAccess: "private" | "restricted";
    readonly kubernetes: k8s.Provider;
    readonly dns: ClusterDns;
    readonly platform: ClusterPlatform;

    constructor(name: string, args: CloudTempleComputeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:cloudtemple:Compute", name, {}, opts);
        const { network, settings } = args;
        this.clusterName = pulumi.output(settings.cluster.name);
        this.apiAccess = settings.cluster.apiAccess;
        this.apiEndpoint = { url: pulumi.output(settings.cluster.apiUrl), private: this.apiAccess === "private" };
        this.kubernetes = network.kubernetes;
        this.dns = {
            namespace: OPENSHIFT_DNS.namespace,
            podLabels: { ...OPENSHIFT_DNS.podLabels },
            ports: [...OPENSHIFT_DNS.ports],
        };
        this.platform = openShiftPlatform(settings.cluster.podNetworkCidr);
        this.registerOutputs({ clusterName: this.clusterName, apiEndpoint: this.apiEndpoint.url });
    }
}

/** The platform facts the flow verifier relies on, each with where it was read. */
export function openShiftPlatform(podNetworkCidr: string): ClusterPlatform {
    return {
        podAddresses: [podNetworkCidr],
        // Cloud Temple's network in front of the cluster is not the stack's: no subnet filter is declared here.
        nodes: {},
        clusterPolicy: "admin-network-policy",
        assignsPodIds: true,
        facts: {
            ipBlockMatchesPods: { value: true, source: "OVN-Kubernetes applies NetworkPolicy ipBlock to pod addresses " +
                "(docs.openshift.com, Network policy: ipBlock)" },
            other: {
                dns: { value: "CoreDNS pods in openshift-dns listen on 5353 behind the dns-default Service (port 53); " +
                    "OVN-Kubernetes matches egress policies after service translation",
                    source: "docs.openshift.com, DNS Operator; Network policy: egress to the DNS pods on 5353" },
                scc: { value: "the restricted-v2 SCC assigns the UID and fsGroup from the namespace's range and refuses others",
                    source: "docs.openshift.com, Managing security context constraints" },
                anp: { value: "AdminNetworkPolicy is judged before NetworkPolicy; BaselineAdminNetworkPolicy after",
                    source: "network-policy-api v0.1.5 (policy.networking.k8s.io/v1alpha1); docs.openshift.com, AdminNetworkPolicy" },
                serviceCa: { value: "the openshift-service-ca.crt ConfigMap (key service-ca.crt) is published in every namespace",
                    source: "docs.openshift.com, Securing service traffic using service serving certificate secrets" },
            },
        },
    };
}
