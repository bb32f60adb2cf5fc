// Shared by the OVH stack tests: the rehearsal stack's identity and lookups on a run.
import { ProgramRun, Registered } from "../../support/program";

export const STACK = "ovh-rehearsal";
export const PROJECTS = ["oncoprev", "covidlong", "pharmaco", "diabfr"];

export const T = {
    vrack: "ovh:Vrack/cloudProject:CloudProject",
    network: "ovh:index/cloudNetworkPrivateVrack:CloudNetworkPrivateVrack",
    subnet: "ovh:index/cloudNetworkPrivateVrackSubnet:CloudNetworkPrivateVrackSubnet",
    gateway: "ovh:index/cloudGateway:CloudGateway",
    kube: "ovh:CloudProject/kube:Kube",
    nodePool: "ovh:CloudProject/kubeNodePool:KubeNodePool",
    ipRestrictions: "ovh:CloudProject/kubeIpRestrictions:KubeIpRestrictions",
    oidc: "ovh:CloudProject/kubeOidc:KubeOidc",
    okms: "ovh:Okms/okms:Okms",
    serviceKey: "ovh:Okms/serviceKey:ServiceKey",
    credential: "ovh:Okms/credential:Credential",
    serviceAccount: "ovh:Me/aPIOAuth2Client:APIOAuth2Client",
    iamPolicy: "ovh:Iam/policy:Policy",
    bucket: "ovh:CloudProject/storage:Storage",
    lifecycle: "ovh:index/cloudProjectStorageObjectBucketLifecycleConfiguration:CloudProjectStorageObjectBucketLifecycleConfiguration",
    user: "ovh:CloudProject/user:User",
    s3Credential: "ovh:CloudProject/s3Credential:S3Credential",
    s3Policy: "ovh:CloudProject/s3Policy:S3Policy",
    database: "ovh:CloudProject/database:Database",
    databaseInstance: "ovh:CloudProjectDatabase/databaseInstance:DatabaseInstance",
    random: "random:index/randomString:RandomString",
} as const;

/** The id the mocks give a custom resource: its name with `-id`. */
export const idOf = (r: Registered) => `${r.name}-id`;

/** The resource whose URN is `urn`. */
export function byUrn(run: ProgramRun, urn: string): Registered {
    const found = run.resources.find(r => r.urn === urn);
    if (!found) throw new Error(`no resource ${urn}`);
    return found;
}

/** A project workspace's object of a type, found by namespace and name. */
export function inNamespace(run: ProgramRun, type: string, project: string, name?: string): Registered {
    const found = run.ofType(type).filter(r => r.inputs.metadata?.namespace === `rp-${project}` &&
        (name === undefined || r.inputs.metadata?.name === name));
    if (found.length !== 1) throw new Error(`expected one ${type} in rp-${project}, found ${found.length}`);
    return found[0];
}
