// Kubernetes workloads and their exposure, beyond Services of type LoadBalancer and NodePort:
// - pod-security: no workload outside the system namespaces uses the node (host network, PID or IPC, host ports,
//   host paths, privileged containers, extra capabilities...), per the Baseline Pod Security Standard; workloads in
//   research-project namespaces, and in namespaces that enforce the Restricted standard, meet it (found here,
//   before the admission controller rejects them at deploy time);
// - no-public-addresses (with the Services of type LoadBalancer and NodePort of rules/isolation.ts): Ingresses,
//   OpenShift Routes and Gateway API listeners and routes serve only over TLS, and research-project namespaces
//   expose nothing at all.
// Sources: https://kubernetes.io/docs/concepts/security/pod-security-standards/; Gateway API v1 specification
// (https://gateway-api.sigs.k8s.io/reference/spec/, listeners' protocol and tls.mode, routes' parentRefs);
// OpenShift Route API (route.openshift.io/v1, spec.tls.termination and insecureEdgeTerminationPolicy); Azure
// Policy 1a5b4dca "Kubernetes clusters should be accessible only over HTTPS".

import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, RuleContext, StackResource, isUnknownValueError } from "../framework/policy";
import { at, isRecord, list, peek, same, str } from "../framework/props";
import { PodProblem, baselineProblems, podTemplateOf, restrictedProblems } from "./pod-security";

const KIND = /^kubernetes:([^:]*)\/[^/:]+:([A-Za-z]+)$/;

/** The API group and kind of a Kubernetes type token (`kubernetes:networking.k8s.io/v1:Ingress`). */
function groupKind(type: string): { group: string; kind: string } | undefined {
    const m = KIND.exec(type) ?? /^kubernetes:([a-z0-9]+):([A-Za-z]+)$/.exec(type);
    return m ? { group: m[1], kind: m[2] } : undefined;
}

/** The namespace a namespaced object lands in: its own, else its provider's default, else "default". */
export function namespaceOf(r: ResourceInput): string {
    return str(peek(r.props, "metadata", "namespace")) ?? str(r.provider ? peek(r.provider.props, "namespace") : undefined) ?? "default";
}

function withUnknowns(r: ResourceInput, judge: () => Finding[]): Finding[] {
    try {
        return judge();
    } catch (e) {
        if (!isUnknownValueError(e)) throw e;
        return [cannotVerify(`.${e.props.join(".")} of ${r.name} is unknown until the update runs; its pod security is judged then.`, r.urn)];
    }
}

interface ProjectConfig { readonly projectLabel: string }
interface PodSecurityConfig extends ProjectConfig { readonly excludedNamespaces: readonly string[] }

const RESTRICTED_LABEL = "pod-security.kubernetes.io/enforce";

/** Namespaces of the program that hold research projects or enforce the Restricted standard, with why. */
function restrictedNamespaces(resources: readonly StackResource[], projectLabel: string): Map<string, string> {
    const namespaces = new Map<string, string>();
    for (const ns of resources) {
        if (ns.type !== "kubernetes:core/v1:Namespace") continue;
        const name = str(peek(ns.props, "metadata", "name"));
        const labels = peek(ns.props, "metadata", "labels");
        if (!name || !isRecord(labels)) continue;
        const project = str(peek(labels, projectLabel));
        if (project) namespaces.set(name, `research project ${project}`);
        else if (same(peek(labels, RESTRICTED_LABEL), "restricted")) namespaces.set(name, "enforces the restricted profile");
    }
    return namespaces;
}

/**
 * Baseline for every workload outside the excluded namespaces, and Restricted on top in the namespaces that
 * require it; a field both profiles object to is reported once.
 */
function podSecurity(resources: readonly StackResource[], ctx: RuleContext<PodSecurityConfig>): Finding[] {
    let namespaces: Map<string, string> | undefined;
    const findings: Finding[] = [];
    for (const r of resources) {
        if (!r.type.startsWith("kubernetes:")) continue;
        findings.push(...withUnknowns(r, () => {
            const pod = podTemplateOf(r.type, r.props);
            if (!pod) return [];
            const ns = namespaceOf(r);
            namespaces ??= restrictedNamespaces(resources, ctx.config.projectLabel);
            const why = namespaces.get(ns);
            const seen = new Set<string>();
            const once = (p: PodProblem) => !seen.has(p.field) && !!seen.add(p.field);
            const baseline = ctx.config.excludedNamespaces.includes(ns) ? [] : baselineProblems(pod).filter(once)
                .map(p => violation(`${pod.kind} ${r.name} breaks the Baseline Pod Security Standard: ${p.text}`, r.urn));
            const restricted = why ? restrictedProblems(pod).filter(once)
                .map(p => violation(`${pod.kind} ${r.name} in namespace ${ns} (${why}) breaks the Restricted Pod Security Standard: ${p.text}`, r.urn)) : [];
            return [...baseline, ...restricted];
        }));
    }
    return findings;
}

// --- exposure -------------------------------------------------------------------------------------------------

const GATEWAY_GROUP = "gateway.networking.k8s.io";
const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

interface Listener { readonly name?: string; readonly protocol: string; readonly port?: unknown; readonly index: number }

function listenersOf(gateway: StackResource): Listener[] {
    return list(at(gateway.props, "spec", "listeners")).map((l, index) => ({
        name: str(at(l, "name")), protocol: (str(at(l, "protocol")) ?? "").toUpperCase(), port: at(l, "port"), index,
    }));
}

/** Whether every rule of an HTTPRoute only redirects to https (the usual companion of a port-80 listener). */
function redirectsToHttps(route: StackResource): boolean {
    const rules = list(at(route.props, "spec", "rules"));
    return rules.length > 0 && rules.every(rule => list(at(rule, "filters")).some(f =>
        same(at(f, "type"), "RequestRedirect") && same(at(f, "requestRedirect", "scheme"), "https")) &&
        list(at(rule, "backendRefs")).length === 0);
}

/** The listeners of the program's Gateways a route attaches to (none when its Gateway is not in the program). */
function attachedListeners(route: StackResource, gateways: readonly StackResource[]): { gateway: StackResource; listener: Listener }[] {
    const routeNs = namespaceOf(route);
    return list(at(route.props, "spec", "parentRefs")).flatMap(ref => {
        const kind = str(at(ref, "kind")) ?? "Gateway";
        if (kind !== "Gateway") return [];
        const name = str(at(ref, "name"));
        const ns = str(at(ref, "namespace")) ?? routeNs;
        const section = str(at(ref, "sectionName"));
        const port = at(ref, "port");
        return gateways.filter(g => str(peek(g.props, "metadata", "name")) === name && namespaceOf(g) === ns)
            .flatMap(gateway => listenersOf(gateway).filter(l => (!section || l.name === section) && (port === undefined || l.port === port))
                .map(listener => ({ gateway, listener })));
    });
}

const PLAIN = ["HTTP", "TCP", "UDP"];

function ingressFindings(r: StackResource): Finding[] {
    const tls = list(at(r.props, "spec", "tls"));
    const annotations = at(r.props, "metadata", "annotations");
    if (tls.length === 0) {
        return [violation(`Ingress ${r.name} serves plain HTTP: add \`spec.tls\` (hosts and a certificate secret) for every host.`, r.urn)];
    }
    const findings: Finding[] = [];
    const covered = tls.flatMap(t => list(at(t, "hosts")).map(h => String(h).toLowerCase()));
    const coversAll = tls.some(t => list(at(t, "hosts")).length === 0);
    const hosts = list(at(r.props, "spec", "rules")).map(rule => str(at(rule, "host"))).filter((h): h is string => !!h);
    const matches = (host: string) => covered.some(c => c === host.toLowerCase() ||
        (c.startsWith("*.") && host.toLowerCase().endsWith(c.slice(1)) && !host.slice(0, -c.length + 1).includes(".")));
    const uncovered = coversAll ? [] : hosts.filter(h => !matches(h));
    if (uncovered.length) {
        findings.push(violation(`Ingress ${r.name} serves ${uncovered.join(", ")} without TLS: add ${uncovered.length > 1 ? "them" : "it"} to \`spec.tls[].hosts\`.`, r.urn));
    }
    // With TLS, ingress-nginx and the Application Gateway controller redirect HTTP to HTTPS unless told not to.
    for (const key of ["nginx.ingress.kubernetes.io/ssl-redirect", "appgw.ingress.kubernetes.io/ssl-redirect"]) {
        if (isRecord(annotations) && same(annotations[key], "false")) {
            findings.push(violation(`Ingress ${r.name} answers plain HTTP (annotation ${key} is "false"): set it to "true".`, r.urn));
        }
    }
    return findings;
}

function routeFindings(r: StackResource): Finding[] {
    const tls = at(r.props, "spec", "tls");
    if (!isRecord(tls) || !str(tls.termination)) {
        return [violation(`Route ${r.name} serves plain HTTP: set \`spec.tls.termination\` to edge or reencrypt (passthrough for TLS ` +
            "workloads), with `insecureEdgeTerminationPolicy` Redirect.", r.urn)];
    }
    return same(tls.insecureEdgeTerminationPolicy, "Allow")
        ? [violation(`Route ${r.name} also serves plain HTTP: set \`spec.tls.insecureEdgeTerminationPolicy\` to Redirect (or None).`, r.urn)]
        : [];
}

function gatewayFindings(r: StackResource, routes: readonly StackResource[], gateways: readonly StackResource[]): Finding[] {
    const findings: Finding[] = [];
    for (const l of listenersOf(r)) {
        if (l.protocol === "TCP" || l.protocol === "UDP") {
            findings.push(violation(`Gateway ${r.name} listener ${l.name ?? l.index} forwards plain ${l.protocol}: set ` +
                `\`spec.listeners[${l.index}].protocol\` to TLS (or HTTPS) with \`tls.certificateRefs\`.`, r.urn));
        } else if (l.protocol === "HTTP") {
            const attached = routes.filter(route => groupKind(route.type)?.kind === "HTTPRoute" &&
                attachedListeners(route, gateways).some(a => a.gateway === r && a.listener.index === l.index));
            if (attached.length === 0 || !attached.every(redirectsToHttps)) {
                findings.push(violation(`Gateway ${r.name} listener ${l.name ?? l.index} serves plain HTTP: set ` +
                    `\`spec.listeners[${l.index}].protocol\` to HTTPS with \`tls.certificateRefs\`, or attach only an HTTPRoute ` +
                    "that redirects to https (RequestRedirect, scheme https).", r.urn));
            }
        }
    }
    return findings;
}

function routeKindFindings(r: StackResource, kind: string, gateways: readonly StackResource[]): Finding[] {
    if (kind === "UDPRoute") return [violation(`UDPRoute ${r.name} exposes a service over plain UDP: remove it, or serve the workload inside the cluster only.`, r.urn)];
    const attached = attachedListeners(r, gateways);
    if (kind === "TCPRoute" && (attached.length === 0 || attached.some(a => a.listener.protocol === "TCP"))) {
        return [violation(`TCPRoute ${r.name} forwards plain TCP: attach a TLSRoute to a TLS listener instead.`, r.urn)];
    }
    if ((kind === "HTTPRoute" || kind === "GRPCRoute") && !(kind === "HTTPRoute" && redirectsToHttps(r)) &&
        attached.some(a => a.listener.protocol === "HTTP")) {
        return [violation(`${kind} ${r.name} is served over plain HTTP by Gateway ${attached.find(a => a.listener.protocol === "HTTP")!.gateway.name}: ` +
            "attach it to an HTTPS listener (`parentRefs[].sectionName`).", r.urn)];
    }
    return [];
}

function exposure(resources: readonly StackResource[], ctx: RuleContext<ProjectConfig>): Finding[] {
    const research = new Map([...restrictedNamespaces(resources, ctx.config.projectLabel)].filter(([, why]) => why.startsWith("research")));
    const kube = resources.map(r => ({ r, gk: r.type.startsWith("kubernetes:") ? groupKind(r.type) : undefined })).filter(x => x.gk);
    const gateways = kube.filter(x => x.gk!.group === GATEWAY_GROUP && x.gk!.kind === "Gateway").map(x => x.r);
    const routes = kube.filter(x => x.gk!.group === GATEWAY_GROUP && ROUTE_KINDS.includes(x.gk!.kind)).map(x => x.r);
    const findings: Finding[] = [];
    for (const { r, gk } of kube) {
        const { group, kind } = gk!;
        const judge = (): Finding[] => {
            const found: Finding[] = [];
            const exposes = (kind === "Ingress" && /^(networking\.k8s\.io|extensions)$/.test(group)) ||
                (kind === "Route" && group === "route.openshift.io") || (group === GATEWAY_GROUP && (kind === "Gateway" || ROUTE_KINDS.includes(kind)));
            if (!exposes) return found;
            const project = research.get(namespaceOf(r));
            if (project) {
                found.push(violation(`${kind} ${r.name} exposes ${project}: research namespaces accept no traffic from outside the ` +
                    "cluster; remove it and reach the project through the platform's own entry points.", r.urn));
            }
            if (kind === "Ingress") found.push(...ingressFindings(r));
            else if (kind === "Route") found.push(...routeFindings(r));
            else if (kind === "Gateway") found.push(...gatewayFindings(r, routes, gateways));
            else found.push(...routeKindFindings(r, kind, gateways));
            return found;
        };
        try {
            findings.push(...judge());
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            findings.push(cannotVerify(`.${e.props.join(".")} of ${r.name} is unknown until the update runs; whether it serves plain ` +
                "traffic is judged then.", r.urn));
        }
    }
    return findings;
}

export const KUBERNETES: Readonly<Record<string, Predicate>> = {
    "pod-security": { scope: "stack", checks: [podSecurity] },
    "no-public-addresses": { scope: "stack", checks: [exposure] },
};
