// Network isolation on Cloud Temple: the SecNumCloud-qualified OpenShift cluster is the warehouse's network. Cloud
// Temple delivers it with its own private network (nothing here can create or change that), so this block takes
// the cluster over from its kubeconfig, creates the platform namespaces and locks egress down with OpenShift's
// AdminNetworkPolicy (research namespaces) and EgressFirewall (platform namespaces); research namespaces may not
// publish anything through the router either.

import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { planSubnets, SubnetPlan } from "../../components/cidr";
import { BlockContext, NetworkIsolation } from "../../components/target";
import { ResearchProject } from "../../components/model";
import { RESTRICTED_POD_SECURITY, kubernetesLabels } from "../../components/workspaces";
import { CloudTempleSettings, SECRET_KEYS } from "./settings";
import { PlatformNames, platformNames } from "./names";
import { FIRST_PROJECT_PRIORITY, platformEgressFirewall, projectAdminNetworkPolicy } from "./egress";
import { noExposurePolicySpec } from "./no-exposure";

export interface CloudTempleNetworkArgs {
    readonly ctx: BlockContext;
    readonly settings: CloudTempleSettings;
}

export class CloudTempleNetwork extends pulumi.ComponentResource implements NetworkIsolation {
    readonly networkId: pulumi.Output<string>;
    readonly subnets: SubnetPlan;
    /** Every Kubernetes object of the warehouse goes through this provider. */
    readonly kubernetes: k8s.Provider;
    readonly names: PlatformNames;
    readonly keysNamespace: k8s.core.v1.Namespace;
    readonly catalogNamespace: k8s.core.v1.Namespace;
    private readonly blockName: string;
    private readonly ctx: BlockContext;
    private readonly settings: CloudTempleSettings;

    constructor(name: string, args: CloudTempleNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("health-data:cloudtemple:Network", name, {}, opts);
        const { ctx, settings } = args;
        const spec = ctx.spec;
        this.names = platformNames(spec);
        const labels = kubernetesLabels(ctx.labels);

        // The kubeconfig is a secret input of the provider, hence encrypted in the state.
        const kubeconfig = new pulumi.Config("warehouse").requireSecret(SECRET_KEYS.kubeconfig);
        this.kubernetes = new k8s.Provider(`${name}-openshift`, {
            kubeconfig,
            // Server-side apply: OLM and the operators also write to the objects created here.
            enableServerSideApply: true,
        }, { parent: this });
        const inCluster = { parent: this, provider: this.kubernetes };

        const platformNamespace = (suffix: string, namespace: string, role: string) =>
            new k8s.core.v1.Namespace(`${name}-${suffix}`, {
                metadata: {
                    name: namespace,
                    labels: {
                        ...labels,
                        "health-data.fr/platform-component": role,
                        // Same profile as research namespaces: OpenShift's restricted-v2 SCC satisfies it.
                        ...RESTRICTED_POD_SECURITY,
                    },
                },
            }, { ...inCluster, protect: ctx.protect });
        // Deleting either namespace would delete the key store's or the catalogue's volumes.
        this.keysNamespace = platformNamespace("keys-namespace", this.names.keysNamespace, "key-management");
        this.catalogNamespace = platformNamespace("catalog-namespace", this.names.catalogNamespace, "catalog");

        new k8s.apiextensions.CustomResource(`${name}-keys-egress`, {
            apiVersion: "k8s.ovn.org/v1",
            kind: "EgressFirewall",
            // OVN-Kubernetes honours one EgressFirewall per namespace, and only one named "default".
            metadata: { name: "default", namespace: this.names.keysNamespace, labels },
            spec: platformEgressFirewall({
                apiServerCidrs: settings.cluster.apiServerCidrs, objectStorageCidrs: [],
                // The PKCS#11 seal: OpenBao unseals by calling the HSM, outside the cluster.
                extra: settings.openbao.seal.type === "pkcs11" ? [{ ...settings.openbao.seal.hsm }] : [],
            }),
        }, { ...inCluster, dependsOn: [this.keysNamespace] });
        new k8s.apiextensions.CustomResource(`${name}-catalog-egress`, {
            apiVersion: "k8s.ovn.org/v1",
            kind: "EgressFirewall",
            metadata: { name: "default", namespace: this.names.catalogNamespace, labels },
            spec: platformEgressFirewall({
                apiServerCidrs: settings.cluster.apiServerCidrs,
                objectStorageCidrs: settings.objectStorage.endpointCidrs,
            }),
        }, { ...inCluster, dependsOn: [this.catalogNamespace] });

        const noExposure = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-no-exposure`, {
            metadata: { name: `${spec.name}-research-no-exposure`, labels },
            spec: noExposurePolicySpec(),
        }, inCluster);
        new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-no-exposure`, {
            metadata: { name: `${spec.name}-research-no-exposure`, labels },
            spec: { policyName: noExposure.metadata.name, validationActions: ["Deny"] },
        }, inCluster);

        this.blockName = name;
        this.ctx = ctx;
        this.settings = settings;
        // Cloud Temple delivers the cluster inside its own private network: the cluster is the network identity.
        this.networkId = pulumi.output(`cloudtemple:${ctx.region}:openshift/${settings.cluster.name}`);
        this.subnets = planSubnets(spec.network.addressSpace);
        this.registerOutputs({ networkId: this.networkId });
    }

    /**
     * The project's egress lock-down, an AdminNetworkPolicy that namespaces cannot override. Its priority follows the
     * project's place in the spec, so that adding a project leaves the others' priorities as they are.
     */
    addProject(project: ResearchProject): void {
        const spec = this.ctx.spec;
        const labels = kubernetesLabels(this.ctx.labels);
        new k8s.apiextensions.CustomResource(`${this.blockName}-${project.id}-admin-policy`, {
            apiVersion: "policy.networking.k8s.io/v1alpha1",
            kind: "AdminNetworkPolicy",
            metadata: {
                name: `${spec.name}-rp-${project.id}`,
                labels: { ...labels, "health-data.fr/research-project": project.id },
            },
            spec: projectAdminNetworkPolicy({
                projectId: project.id,
                priority: FIRST_PROJECT_PRIORITY + spec.projects.findIndex(p => p.id === project.id),
                keysNamespace: this.names.keysNamespace,
                catalogNamespace: this.names.catalogNamespace,
                objectStorageCidrs: this.settings.objectStorage.endpointCidrs,
                allowedEgressCidrs: spec.network.allowedEgressCidrs,
            }),
        }, { parent: this, provider: this.kubernetes });
    }
}
