// The permission verifier on cloud IAM: each stack as planned holds no violation, and one change to a planned grant
// (a wider scope, another project's resource, a role that writes role assignments or network rules, a principal no
// intent declares) is a finding that names the identity, the grant and the scope.

import { verifyPermissions } from "../../../policies/flows/permissions";
import { FlowResource } from "../../../policies/flows/stack-index";
import { runWarehouse, stackConfig } from "../../support/program";
import { flowResources, intentsOf } from "./support";
import { Intents } from "../../../policies/flows/intents";

interface Planned { readonly resources: FlowResource[]; readonly intents: Intents }

async function plan(stack: string): Promise<Planned> {
    const run = await runWarehouse({ stack });
    return { resources: flowResources(run), intents: intentsOf(run) };
}

/** A deep copy of the planned resources, with `change` applied to the one named `name` (it must exist). */
function mutated(planned: Planned, name: string, change: (r: { props: any; propertyDependencies: any; dependencies: any }) => void): FlowResource[] {
    const copy = structuredClone(planned.resources) as any[];
    const target = copy.find(r => r.name === name);
    if (!target) throw new Error(`no resource ${name}`);
    change(target);
    return copy;
}

const findings = (resources: FlowResource[], planned: Planned) =>
    verifyPermissions(resources, planned.intents).map(f => `${f.kind}: ${f.message}`);
const urnOf = (planned: Planned, name: string) => planned.resources.find(r => r.name === name)!.urn;
const added = (planned: Planned, type: string, name: string, props: any, pd: Record<string, string[]> = {}): FlowResource[] =>
    [...structuredClone(planned.resources), { type, name, urn: `urn:test::${name}`, props, dependencies: [], propertyDependencies: pd }];

const ROLE = (id: string) => `/subscriptions/5e7b1c2d-3f4a-4b5c-8d6e-7f8a9b0c1d2e/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const ASSIGNMENT = "azure-native:authorization:RoleAssignment";

describe("Azure role assignments", () => {
    let azure: Planned;
    beforeAll(async () => { azure = await plan("azure-prod"); });

    test("the stack as planned: every identity holds what it needs and nothing more", () => {
        expect(findings(azure.resources, azure)).toEqual([]);
        const ids = azure.intents.identities.filter(i => i.cloud).map(i => i.id);
        expect(ids).toEqual(expect.arrayContaining(["platform:encryption", "platform:cluster", "workloads:oncoprev",
            "operators:4b9e2d71-8c3f-4a56-b1d0-9f7e6c5a4b32", "operators:9d3a6b2c-5e1f-4c7a-8b9d-2e4f6a8c0b13"]));
    });

    test("a project's role widened to the whole storage account: a finding naming identity, role and scope", () => {
        const account = urnOf(azure, "hdh-storage-account");
        const found = findings(mutated(azure, "hdh-storage-oncoprev-container", r => {
            r.props.scope = "hdh-storage-account-id";
            r.propertyDependencies.scope = [account];
        }), azure);
        expect(found).toContainEqual(expect.stringMatching(/^violation: rp-oncoprev\/research-workloads \(managed identity of project oncoprev\) holds Storage Blob Data Contributor on azure-native:storage:StorageAccount hdh-storage-account \(RoleAssignment hdh-storage-oncoprev-container\).*reaches .*project covidlong's container/));
    });

    test("a read-only data role where the project must write: it lacks what its work needs", () => {
        const found = findings(mutated(azure, "hdh-storage-oncoprev-container", r => {
            r.props.roleDefinitionId = ROLE("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1");
        }), azure);
        expect(found).toEqual([expect.stringMatching(/^violation: rp-oncoprev\/research-workloads \(managed identity of project oncoprev\) cannot read and write data on azure-native:storage:BlobContainer hdh-storage-oncoprev, which its work needs/)]);
    });

    test("a project's identity given another project's key: a finding naming that key", () => {
        const found = findings(mutated(azure, "hdh-keys-oncoprev-key-user", r => {
            r.propertyDependencies.scope = [urnOf(azure, "hdh-keys-project-covidlong")];
        }), azure);
        expect(found).toContainEqual(expect.stringMatching(/rp-oncoprev\/research-workloads .* holds Key Vault Crypto User on azure-native:keyvault:Key hdh-keys-project-covidlong .*reaches project covidlong's key/));
    });

    test("Owner on its own container lets a project write role assignments and network rules: both are findings", () => {
        const found = findings(mutated(azure, "hdh-storage-oncoprev-container", r => {
            r.props.roleDefinitionId = ROLE("8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
        }), azure);
        expect(found).toContainEqual(expect.stringMatching(/rp-oncoprev\/research-workloads .* may write role assignments on azure-native:storage:BlobContainer hdh-storage-oncoprev through Owner \(RoleAssignment hdh-storage-oncoprev-container\)/));
        expect(found).toContainEqual(expect.stringMatching(/may write network rules on azure-native:storage:BlobContainer hdh-storage-oncoprev/));
    });

    test("an operator group given a data role on a project's container: a finding naming the operators", () => {
        const found = findings(added(azure, ASSIGNMENT, "ops-blob-reader", {
            principalId: "4b9e2d71-8c3f-4a56-b1d0-9f7e6c5a4b32", roleDefinitionId: ROLE("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"),
            scope: "hdh-storage-oncoprev-id",
        }, { scope: [urnOf(azure, "hdh-storage-oncoprev")] }), azure);
        expect(found).toContainEqual(expect.stringMatching(/^violation: cluster administrators \(Entra ID group 4b9e2d71-8c3f-4a56-b1d0-9f7e6c5a4b32\) holds Storage Blob Data Reader on azure-native:storage:BlobContainer hdh-storage-oncoprev \(RoleAssignment ops-blob-reader\).*reaches project oncoprev's container/));
    });

    test("a principal no intent declares, with data on a project's container through the resource group: a finding", () => {
        const found = findings(added(azure, ASSIGNMENT, "stranger", {
            principalId: "0f0f0f0f-0000-4000-8000-000000000000", roleDefinitionId: ROLE("ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
            scope: "/subscriptions/5e7b1c2d-3f4a-4b5c-8d6e-7f8a9b0c1d2e/resourceGroups/rg-hdh-prod",
        }, { scope: [urnOf(azure, "hdh-network-group")] }), azure);
        expect(found).toContainEqual(expect.stringMatching(/^violation: principal 0f0f0f0f-0000-4000-8000-000000000000, which no intent declares, holds Storage Blob Data Contributor on azure-native:resources:ResourceGroup hdh-network-group \(RoleAssignment stranger\), which reaches .*project oncoprev's container/));
    });

    test("another namespace's service account federated with a project's identity: a finding", () => {
        const found = findings(mutated(azure, "hdh-compute-oncoprev-federation", r => {
            r.props.subject = "system:serviceaccount:rp-covidlong:research-workloads";
        }), azure);
        expect(found).toContainEqual(expect.stringContaining("system:serviceaccount:rp-covidlong:research-workloads can act as managed identity of project oncoprev"));
        expect(found).toContainEqual(expect.stringContaining("no federated credential lets system:serviceaccount:rp-oncoprev:research-workloads act as managed identity of project oncoprev"));
    });

    test("a role this verifier does not know cannot be judged, and says so", () => {
        const found = findings(mutated(azure, "hdh-storage-oncoprev-container", r => {
            r.props.roleDefinitionId = ROLE("00000000-1111-2222-3333-444444444444");
        }), azure);
        expect(found).toContainEqual(expect.stringMatching(/^cannot-verify: RoleAssignment hdh-storage-oncoprev-container grants role 00000000-1111-2222-3333-444444444444/));
    });
});

describe("Azure with a Managed HSM", () => {
    test("key rights are the HSM's local RBAC, outside the stack: no Azure role on keys is expected, and none is found", async () => {
        const settings = JSON.parse(stackConfig("azure-prod")["warehouse:azure"]);
        const run = await runWarehouse({ stack: "azure-prod", config: {
            "warehouse:azure": { ...settings, keyService: "managed-hsm", managedHsmAdminObjectIds: ["2f6c9a1b-7d3e-4b8f-a5c2-6e1d9b4f7a30"] },
        } });
        const planned = { resources: flowResources(run), intents: intentsOf(run) };
        expect(findings(planned.resources, planned)).toEqual([]);
        const cluster = planned.intents.identities.find(i => i.id === "platform:cluster")!;
        expect(cluster.cloud![0].grants.map(g => g.resource.type)).not.toContain("azure-native:keyvault:Vault");
    });
});

describe("OVHcloud S3 user policies and IAM policies", () => {
    let ovh: Planned;
    beforeAll(async () => { ovh = await plan("ovh-rehearsal"); });

    test("the stack as planned has no finding", () => {
        expect(findings(ovh.resources, ovh)).toEqual([]);
    });

    test("a project's S3 policy on every bucket: a finding naming the user, the policy and the buckets it reaches", () => {
        const found = findings(mutated(ovh, "hdh-storage-oncoprev-policy", r => {
            const doc = JSON.parse(r.props.policy);
            doc.Statement[0].Resource = ["arn:aws:s3:::*"];
            r.props.policy = JSON.stringify(doc);
        }), ovh);
        expect(found).toContainEqual(expect.stringMatching(/^violation: rp-oncoprev\/research-workloads \(Public Cloud user of project oncoprev\) holds S3 policy ProjectBucketOnly on every bucket of the project \(S3Policy hdh-storage-oncoprev-policy\).*reaches .*project covidlong's bucket/));
    });

    test("a document unknown until its bucket exists (a real first preview) is judged by the bucket it depends on", () => {
        const unknown = (bucket: string) => mutated(ovh, "hdh-storage-oncoprev-policy", r => {
            delete r.props.policy;
            r.propertyDependencies.policy = [urnOf(ovh, bucket)];
        });
        const own = findings(unknown("hdh-storage-rp-oncoprev"), ovh);
        expect(own).toEqual([expect.stringMatching(/^cannot-verify: S3Policy hdh-storage-oncoprev-policy of hdh-storage-oncoprev-user: its document is unknown until hdh-storage-rp-oncoprev exists/)]);
        expect(findings(unknown("hdh-storage-rp-covidlong"), ovh)).toContainEqual(expect.stringMatching(
            /^violation: rp-oncoprev\/research-workloads \(Public Cloud user of project oncoprev\) holds an S3 policy \(document unknown until its bucket exists\) on ovh:CloudProject\/storage:Storage hdh-storage-rp-covidlong .*reaches project covidlong's bucket/));
    });

    test("an S3 policy without PutObject: the project cannot write its data", () => {
        const found = findings(mutated(ovh, "hdh-storage-oncoprev-policy", r => {
            const doc = JSON.parse(r.props.policy);
            doc.Statement[0].Action = doc.Statement[0].Action.filter((a: string) => a !== "s3:PutObject");
            r.props.policy = JSON.stringify(doc);
        }), ovh);
        expect(found).toContainEqual(expect.stringContaining("(Public Cloud user of project oncoprev) cannot read and write data on ovh:CloudProject/storage:Storage hdh-storage-rp-oncoprev"));
    });

    test("a project user without an S3 policy reaches every bucket through its role", () => {
        const resources = structuredClone(ovh.resources).filter(r => r.name !== "hdh-storage-oncoprev-policy");
        expect(findings(resources, ovh)).toContainEqual(expect.stringMatching(/Public Cloud user of project oncoprev\) holds role objectstore_operator with no S3 policy on every bucket of the project/));
    });

    test("an S3 policy that lets a project rewrite bucket policies: a finding", () => {
        const found = findings(mutated(ovh, "hdh-storage-oncoprev-policy", r => {
            const doc = JSON.parse(r.props.policy);
            doc.Statement[0].Action.push("s3:PutBucketPolicy");
            r.props.policy = JSON.stringify(doc);
        }), ovh);
        expect(found).toContainEqual(expect.stringMatching(/Public Cloud user of project oncoprev\) may write role assignments on ovh:CloudProject\/storage:Storage hdh-storage-rp-oncoprev/));
    });

    test("a project's IAM policy on the whole OKMS: a finding naming the other projects' keys", () => {
        const okms = urnOf(ovh, "hdh-keys-okms");
        const found = findings(mutated(ovh, "hdh-keys-oncoprev-policy", r => {
            r.props.resources = ["urn:v1:eu:resource:okms:hdh-keys-okms-id"];
            r.propertyDependencies.resources = [okms];
        }), ovh);
        expect(found).toContainEqual(expect.stringMatching(/^violation: rp-oncoprev\/research-workloads \(OKMS identity of project oncoprev\) holds IAM policy hdh-rehearsal-oncoprev-kms on ovh:Okms\/okms:Okms hdh-keys-okms .*reaches .*project covidlong's key/));
    });

    test("an IAM policy that lets a project issue OKMS credentials: a finding", () => {
        const found = findings(mutated(ovh, "hdh-keys-oncoprev-policy", r => { r.props.allows = [...r.props.allows, "okms:apiovh:credential/create"]; }), ovh);
        expect(found).toContainEqual(expect.stringMatching(/OKMS identity of project oncoprev\) may write role assignments on ovh:Okms\/serviceKey:ServiceKey hdh-keys-oncoprev/));
    });
});

describe("Cloud Temple bucket policies", () => {
    let ct: Planned;
    beforeAll(async () => { ct = await plan("cloudtemple-rehearsal"); });

    test("the stack as planned has no finding", () => {
        expect(findings(ct.resources, ct)).toEqual([]);
    });

    test("another project's account named in a project's bucket policy: both sides are findings", () => {
        const found = findings(mutated(ct, "hdh-storage-rp-oncoprev-policy", r => {
            r.props.policy = r.props.policy.replace(/user\/rp-oncoprev/g, "user/rp-covidlong");
        }), ct);
        expect(found).toContainEqual(expect.stringMatching(/^violation: rp-covidlong\/research-workloads \(storage account urn:ecs:iam::hdh-rehearsal:user\/rp-covidlong\) holds bucket policy ListOwnBucket on minio:index\/s3Bucket:S3Bucket hdh-storage-rp-oncoprev .*reaches project oncoprev's bucket/));
        expect(found).toContainEqual(expect.stringContaining("rp-oncoprev/research-workloads (storage account urn:ecs:iam::hdh-rehearsal:user/rp-oncoprev) cannot read and write data on minio:index/s3Bucket:S3Bucket hdh-storage-rp-oncoprev"));
    });

    test("a bucket policy open to every principal: a finding", () => {
        const found = findings(mutated(ct, "hdh-storage-rp-oncoprev-policy", r => {
            r.props.policy = r.props.policy.replace(/\["urn:ecs:iam::hdh-rehearsal:user\/rp-oncoprev"\]/, '"*"');
        }), ct);
        expect(found).toContainEqual(expect.stringMatching(/^violation: principal \*, which no intent declares, holds bucket policy ListOwnBucket on minio:index\/s3Bucket:S3Bucket hdh-storage-rp-oncoprev/));
    });

    test("the platform account named in a project's bucket policy: a finding naming the operators", () => {
        const found = findings(mutated(ct, "hdh-storage-rp-oncoprev-policy", r => {
            r.props.policy = r.props.policy.replace(/user\/rp-oncoprev/g, "user/hdh-platform");
        }), ct);
        expect(found).toContainEqual(expect.stringMatching(/^violation: the platform storage account .* holds bucket policy .* on minio:index\/s3Bucket:S3Bucket hdh-storage-rp-oncoprev/));
    });
});
