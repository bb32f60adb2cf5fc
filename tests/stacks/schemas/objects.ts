// Every Kubernetes object a stack declares, as the API server would receive it (the SDK puts apiVersion and kind in
// the inputs), from a mocked run with update-time values.

import { ProgramRun } from "../../support/program";

export interface KubernetesObject {
    readonly type: string;
    readonly name: string;
    readonly body: any;
}

/** Types that are not API objects: the provider, and Helm releases (their rendered objects live in the chart). */
const NOT_OBJECTS = [/^pulumi:providers:/, /^kubernetes:helm\.sh\//];

export function kubernetesObjects(run: ProgramRun): KubernetesObject[] {
    return run.resources.filter(r => r.custom && r.type.startsWith("kubernetes:") && !NOT_OBJECTS.some(p => p.test(r.type)))
        .map(r => ({ type: r.type, name: r.name, body: r.inputs }));
}

/** `kubernetes:networking.k8s.io/v1:NetworkPolicy` -> group, version, kind; a `...Patch` type patches its kind. */
export function gvk(type: string): { group: string; version: string; kind: string; patch: boolean } {
    const [, gv, kind] = type.split(":");
    const [group, version] = gv.includes("/") ? gv.split("/") : ["core", gv];
    const patch = kind.endsWith("Patch");
    return { group: group === "core" ? "" : group, version, kind: patch ? kind.slice(0, -"Patch".length) : kind, patch };
}

export const STACKS = ["azure-prod", "ovh-rehearsal", "cloudtemple-rehearsal"];
