// The Pod Security Standards applied to a workload's pod template (checks/pod-security.ts): what the Baseline
// profile forbids (host namespaces, privileged containers, host paths and ports, extra capabilities, unconfined
// seccomp and AppArmor, unsafe sysctls) and what Restricted adds (non-root, no privilege escalation, seccomp set,
// capabilities dropped, only the listed volume types). Each problem names the field and the value to set.

import {
    BASELINE_CAPABILITIES, POD_SPEC_PATHS, RESTRICTED_CAPABILITIES, RESTRICTED_SECCOMP, RESTRICTED_VOLUME_TYPES,
    SAFE_SYSCTLS, SELINUX_TYPES,
} from "../checks/pod-security";
import { at, given, isRecord, list, num, str } from "../framework/props";

export interface PodProblem {
    /** The field, from the resource's root (`spec.template.spec.containers[0].securityContext.privileged`). */
    readonly field: string;
    /** The sentence: what is wrong and what to set. */
    readonly text: string;
}

export interface PodTemplate {
    readonly kind: string;
    /** Dotted path of the pod spec from the resource's root. */
    readonly base: string;
    readonly spec: unknown;
    readonly annotations: unknown;
}

const KIND = /^kubernetes:[^:]+:([A-Za-z]+)$/;

/** The pod template of a workload resource (any API group and version of the kinds the standards cover). */
export function podTemplateOf(type: string, props: unknown): PodTemplate | undefined {
    const kind = KIND.exec(type)?.[1];
    const paths = kind ? POD_SPEC_PATHS[kind] : undefined;
    if (!kind || !paths) return undefined;
    return { kind, base: paths.spec.join("."), spec: at(props, ...paths.spec), annotations: at(props, ...paths.metadata, "annotations") };
}

interface Container { readonly at: string; readonly value: unknown }

function containersOf(pod: PodTemplate): Container[] {
    return ["initContainers", "containers", "ephemeralContainers"].flatMap(group =>
        list(at(pod.spec, group)).map((value, i) => ({ at: `${pod.base}.${group}[${i}]`, value })));
}

const upper = (v: unknown) => String(v).toUpperCase();

/** What the Baseline profile forbids. */
export function baselineProblems(pod: PodTemplate): PodProblem[] {
    const problems: PodProblem[] = [];
    const add = (field: string, text: string) => problems.push({ field, text: `\`${field}\` ${text}` });
    const spec = pod.spec;
    for (const ns of ["hostNetwork", "hostPID", "hostIPC"]) {
        if (at(spec, ns) === true) add(`${pod.base}.${ns}`, `shares the node's ${ns.slice(4)} namespace: remove it or set it to false.`);
    }
    if (at(spec, "securityContext", "windowsOptions", "hostProcess") === true) {
        add(`${pod.base}.securityContext.windowsOptions.hostProcess`, "runs with host privileges: set it to false.");
    }
    list(at(spec, "volumes")).forEach((v, i) => {
        if (isRecord(v) && given(v.hostPath)) add(`${pod.base}.volumes[${i}].hostPath`, `mounts the node's ${String(at(v, "hostPath", "path") ?? "file system")}: use a persistentVolumeClaim, configMap, secret or emptyDir.`);
    });
    const podSeccomp = str(at(spec, "securityContext", "seccompProfile", "type"));
    if (podSeccomp && podSeccomp.toLowerCase() === "unconfined") {
        add(`${pod.base}.securityContext.seccompProfile.type`, "is Unconfined: set it to RuntimeDefault.");
    }
    if (str(at(spec, "securityContext", "appArmorProfile", "type"))?.toLowerCase() === "unconfined") {
        add(`${pod.base}.securityContext.appArmorProfile.type`, "is Unconfined: set it to RuntimeDefault.");
    }
    const seLinux = at(spec, "securityContext", "seLinuxOptions");
    seLinuxProblems(seLinux, `${pod.base}.securityContext.seLinuxOptions`, add);
    list(at(spec, "securityContext", "sysctls")).forEach((s, i) => {
        const name = str(at(s, "name"));
        if (name && !SAFE_SYSCTLS.includes(name)) add(`${pod.base}.securityContext.sysctls[${i}].name`, `sets ${name}, which is not namespaced to the pod: remove it.`);
    });
    if (isRecord(pod.annotations)) {
        for (const [key, value] of Object.entries(pod.annotations)) {
            if (key.startsWith("container.apparmor.security.beta.kubernetes.io/") && String(value).toLowerCase() === "unconfined") {
                add(`metadata.annotations["${key}"]`, "is unconfined: set it to runtime/default.");
            }
        }
    }
    for (const c of containersOf(pod)) {
        const sc = at(c.value, "securityContext");
        if (at(sc, "privileged") === true) add(`${c.at}.securityContext.privileged`, "runs the container privileged (root on the node): set it to false.");
        if (at(sc, "windowsOptions", "hostProcess") === true) add(`${c.at}.securityContext.windowsOptions.hostProcess`, "runs with host privileges: set it to false.");
        const added = list(at(sc, "capabilities", "add")).map(upper).filter(cap => !BASELINE_CAPABILITIES.includes(cap.replace(/^CAP_/, "")));
        if (added.length) add(`${c.at}.securityContext.capabilities.add`, `adds ${added.join(", ")}: remove them.`);
        if (str(at(sc, "procMount")) && str(at(sc, "procMount"))!.toLowerCase() !== "default") {
            add(`${c.at}.securityContext.procMount`, "unmasks /proc: set it to Default.");
        }
        if (str(at(sc, "seccompProfile", "type"))?.toLowerCase() === "unconfined") add(`${c.at}.securityContext.seccompProfile.type`, "is Unconfined: set it to RuntimeDefault.");
        if (str(at(sc, "appArmorProfile", "type"))?.toLowerCase() === "unconfined") add(`${c.at}.securityContext.appArmorProfile.type`, "is Unconfined: set it to RuntimeDefault.");
        seLinuxProblems(at(sc, "seLinuxOptions"), `${c.at}.securityContext.seLinuxOptions`, add);
        list(at(c.value, "ports")).forEach((p, i) => {
            const hostPort = num(at(p, "hostPort"));
            if (hostPort) add(`${c.at}.ports[${i}].hostPort`, `binds port ${hostPort} on the node's address: remove hostPort and expose the pod through a ClusterIP Service.`);
        });
    }
    return problems;
}

function seLinuxProblems(options: unknown, field: string, add: (field: string, text: string) => void): void {
    if (!isRecord(options)) return;
    const type = str(options.type);
    if (type !== undefined && !SELINUX_TYPES.includes(type)) add(`${field}.type`, `is ${type}: use container_t (or leave it unset).`);
    for (const k of ["user", "role"]) if (given(options[k])) add(`${field}.${k}`, "is set: leave it unset.");
}

/** What the Restricted profile adds to Baseline. */
export function restrictedProblems(pod: PodTemplate): PodProblem[] {
    const problems: PodProblem[] = [];
    const add = (field: string, text: string) => problems.push({ field, text: `\`${field}\` ${text}` });
    const spec = pod.spec;
    const podContext = at(spec, "securityContext");
    list(at(spec, "volumes")).forEach((v, i) => {
        const kinds = isRecord(v) ? Object.keys(v).filter(k => k !== "name") : [];
        const bad = kinds.filter(k => !RESTRICTED_VOLUME_TYPES.includes(k) && k !== "hostPath");
        if (bad.length) add(`${pod.base}.volumes[${i}]`, `is a ${bad.join("/")} volume: use a persistentVolumeClaim, csi, configMap, secret, projected, downwardAPI, emptyDir or ephemeral volume.`);
    });
    // Windows pods are exempt from the Linux-only controls (privilege escalation, seccomp, capabilities).
    const windows = str(at(spec, "os", "name"))?.toLowerCase() === "windows";
    const podNonRoot = at(podContext, "runAsNonRoot") === true;
    const podSeccomp = str(at(podContext, "seccompProfile", "type"));
    const podSeccompOk = !!podSeccomp && RESTRICTED_SECCOMP.some(s => s.toLowerCase() === podSeccomp.toLowerCase());
    if (num(at(podContext, "runAsUser")) === 0) add(`${pod.base}.securityContext.runAsUser`, "is 0 (root): use a non-zero user id.");
    for (const c of containersOf(pod)) {
        const sc = at(c.value, "securityContext");
        if (!windows && at(sc, "allowPrivilegeEscalation") !== false) {
            add(`${c.at}.securityContext.allowPrivilegeEscalation`, "is not false: set it to false.");
        }
        const nonRoot = at(sc, "runAsNonRoot");
        if (nonRoot === false || (!podNonRoot && nonRoot !== true)) {
            add(`${c.at}.securityContext.runAsNonRoot`, `is ${nonRoot === false ? "false" : "not set (nor on the pod)"}: set \`securityContext.runAsNonRoot\` to true on the pod or the container.`);
        }
        if (num(at(sc, "runAsUser")) === 0) add(`${c.at}.securityContext.runAsUser`, "is 0 (root): use a non-zero user id.");
        if (windows) continue;
        const seccomp = str(at(sc, "seccompProfile", "type"));
        if (seccomp === undefined ? !podSeccompOk : !RESTRICTED_SECCOMP.some(s => s.toLowerCase() === seccomp.toLowerCase())) {
            add(`${c.at}.securityContext.seccompProfile.type`, "is not set to RuntimeDefault or Localhost (nor on the pod): set `securityContext.seccompProfile.type` to RuntimeDefault.");
        }
        const drop = list(at(sc, "capabilities", "drop")).map(upper);
        if (!drop.includes("ALL")) add(`${c.at}.securityContext.capabilities.drop`, "does not drop ALL: set it to [\"ALL\"].");
        const added = list(at(sc, "capabilities", "add")).map(upper).filter(cap => !RESTRICTED_CAPABILITIES.includes(cap.replace(/^CAP_/, "")));
        if (added.length) add(`${c.at}.securityContext.capabilities.add`, `adds ${added.join(", ")}: only NET_BIND_SERVICE may be added.`);
    }
    return problems;
}
