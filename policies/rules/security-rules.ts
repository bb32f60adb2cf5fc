// Network security group rules open to the internet: an inbound Allow rule whose source is the internet (`*`,
// `Internet`, `Any`, `0.0.0.0/0`, or a /8 of internet addresses or wider) and whose destination ports include a port
// of checks/ports.ts, or every port. Rules are read inline (`NetworkSecurityGroup.securityRules`) and as
// separate SecurityRule resources; an inline rule denied first by a rule of the same group with a lower priority
// number is not reachable and passes (NSG rules are evaluated by priority, the first match decides:
// https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#security-rules).

import { EXPOSED_PORTS, ExposedPort } from "../checks/ports";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, ResourceInput, StackResource, isUnknownValueError } from "../framework/policy";
import { isRecord, list, num, same, str } from "../framework/props";
import { openness } from "./addresses";
import { resourceTypeOf } from "./types";

const NSG = "azure-native:network:NetworkSecurityGroup";
const RULE = "azure-native:network:SecurityRule";

type Range = readonly [number, number];

/** A port or range as the rule spells it (`22`, `1024-65535`, `*`). */
function portRange(value: unknown): Range | undefined {
    if (typeof value === "number") return [value, value];
    if (typeof value !== "string") return undefined;
    const v = value.trim();
    if (v === "*" || v.toLowerCase() === "any") return [0, 65535];
    const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(v);
    return m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
}

interface Rule {
    readonly name: string;
    readonly inboundAllow: boolean;
    readonly inboundDeny: boolean;
    readonly priority: number;
    readonly protocol: string;
    readonly sources: string[];
    readonly ports: Range[];
}

function readRule(r: unknown, fallbackName: string): Rule {
    const props = isRecord(r) ? r : {};
    const inbound = same(props.direction, "Inbound");
    return {
        name: str(props.name) ?? fallbackName,
        inboundAllow: inbound && same(props.access, "Allow"),
        inboundDeny: inbound && same(props.access, "Deny"),
        priority: num(props.priority) ?? Number.MAX_SAFE_INTEGER,
        protocol: (str(props.protocol) ?? "*").toLowerCase(),
        sources: [props.sourceAddressPrefix, ...list(props.sourceAddressPrefixes)].filter((s): s is string => typeof s === "string"),
        ports: [props.destinationPortRange, ...list(props.destinationPortRanges)].map(portRange).filter((p): p is Range => !!p),
    };
}

const everyPort = (ports: readonly Range[]) => ports.some(([a, b]) => a <= 1 && b >= 65535);
const exposedIn = (ports: readonly Range[]): ExposedPort[] =>
    EXPOSED_PORTS.filter(e => ports.some(([a, b]) => a <= e.port && e.port <= b));
const carriesTraffic = (protocol: string) => protocol !== "icmp" && protocol !== "esp" && protocol !== "ah";

/** Whether `deny` stops what `allow` lets in: same or wider protocol, internet source, the same ports. */
function shadows(deny: Rule, allow: Rule, port: number): boolean {
    return deny.inboundDeny && deny.priority < allow.priority &&
        (deny.protocol === "*" || deny.protocol === allow.protocol) &&
        deny.sources.some(s => openness(s).open && ["*", "internet", "any", "0.0.0.0/0"].includes(s.trim().toLowerCase())) &&
        deny.ports.some(([a, b]) => a <= port && port <= b);
}

function judgeRule(rule: Rule, where: string, siblings: readonly Rule[]): Finding[] {
    if (!rule.inboundAllow || !carriesTraffic(rule.protocol)) return [];
    const source = rule.sources.map(s => openness(s)).find(o => o.open);
    if (!source || !source.open) return [];
    const open = exposedIn(rule.ports).filter(e => !siblings.some(d => shadows(d, rule, e.port)));
    if (open.length === 0) return [];
    const what = everyPort(rule.ports) ? "every port" : open.map(e => `${e.port} (${e.service})`).join(", ");
    return [violation(`${where} (${rule.name}) allows inbound traffic from ${source.describe} to ${what}: set its ` +
        "`sourceAddressPrefix` to the admin network or a bastion subnet, or `access` to Deny; reach machines through " +
        "Azure Bastion or a VPN.")];
}

function securityRuleFindings(r: ResourceInput): Finding[] {
    const type = resourceTypeOf(r.type);
    if (type === RULE) return judgeRule(readRule(r.props, r.name), "The security rule", []);
    if (type !== NSG) return [];
    const rules = list(r.props.securityRules).map((x, i) => readRule(x, `securityRules[${i}]`));
    return rules.flatMap((rule, i) => judgeRule(rule, `\`securityRules[${i}]\``, rules));
}

/** Judged with the rest of no-public-addresses over the program, each rule naming its resource. */
export const SECURITY_RULES: Predicate = {
    scope: "stack",
    checks: [(resources: readonly StackResource[]) => {
        const findings: Finding[] = [];
        for (const r of resources) {
            const type = resourceTypeOf(r.type);
            if (type !== NSG && type !== RULE) continue;
            try {
                findings.push(...securityRuleFindings(r).map(f => ({ ...f, urn: r.urn })));
            } catch (e) {
                if (!isUnknownValueError(e)) throw e;
                findings.push(cannotVerify(`A security rule property of ${r.name} (.${e.props.join(".")}) is unknown until the update ` +
                    "runs; whether it opens a port to the internet is judged then.", r.urn));
            }
        }
        return findings;
    }],
};
