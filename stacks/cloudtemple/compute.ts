// Compute on Cloud Temple: the SecNumCloud-qualified OpenShift cluster, ordered through Cloud Temple and delivered
// with a kubeconfig. Nothing here creates or resizes it (no API does): this block exposes the cluster the network
// block took over, so the portable layer deploys onto it like onto any other target.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterDns, Compute, Endpoint } from "../../components/target";
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
        this.registerOutputs({ clusterName: this.clusterName, apiEndpoint: this.apiEndpoint.url });
    }
}
