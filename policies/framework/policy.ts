// Turns a rule (metadata + pure checks) into a @pulumi/policy policy: reads and validates the policy's settings,
// runs each check on its own so that an unknown value in one does not hide a violation found by another, turns
// the runtime's unknown-value errors into "cannot verify" findings, applies exemptions, and reports.

import {
    EnforcementLevel, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity,
    StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { CommonConfig, COMMON_SETTINGS, JsonSchema, configReader, currentDate } from "./config";
import { Exemption, findExemption, isActive } from "./exemptions";
import { Finding, cannotVerify } from "./finding";
import { cannotVerifyMessage, exemptMessage, expiredMessage, platformGapMessage } from "./messages";
import { Props } from "./props";
import { notAPreview } from "./stack-config";
import { canonicalType } from "../catalog/resource-types";

export type Concern = "residency" | "jurisdiction" | "keys" | "isolation" | "stack";

/** Where a rule comes from: the clauses it serves and its equivalents elsewhere. */
export interface FrameworkMapping {
    readonly hds?: string;
    readonly secNumCloud?: string;
    readonly cnil?: string;
    readonly anssi?: string;
    /** The European Commission's Cloud Sovereignty Framework. */
    readonly euCsf?: string;
    /** Azure built-in policy definition ids (prefixes) that check the same thing on Azure. */
    readonly azurePolicy?: readonly string[];
    /** Checkov check ids that check the same thing in Terraform/ARM. */
    readonly checkov?: readonly string[];
}

/** Everything about a policy except how it decides: the listable table (metadata.ts). */
export interface PolicyMetadata {
    readonly name: string;
    readonly concern: Concern;
    /** "resource": judged one resource at a time; "stack": judged over the whole program. */
    readonly scope: "resource" | "stack";
    /** "Checks whether ..." */
    readonly description: string;
    readonly severity: Severity;
    readonly enforcementLevel: EnforcementLevel;
    readonly remediationSteps: string;
    readonly framework: FrameworkMapping;
    /** The policy's own settings (the common ones are added). */
    readonly settings?: Readonly<Record<string, JsonSchema>>;
}

export interface ResourceInput {
    /**
     * The type rules know it by: a versioned azure-native API type (`azure-native:storage/v20230101:StorageAccount`,
     * a v3 local package's `azure-native_storage_v20230101:storage/v20230101:StorageAccount`) is given as its
     * unversioned entry, so that every rule judges it as it judges the unversioned type.
     */
    readonly type: string;
    /** The type as the program registered it. */
    readonly registeredType: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Props;
    readonly provider?: { readonly type: string; readonly urn: string; readonly name: string; readonly props: Props };
}

export interface StackResource extends ResourceInput {
    readonly parent?: string;
    readonly dependencies: readonly string[];
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface RuleContext<C = Record<string, unknown>> {
    readonly config: C & CommonConfig;
    readonly now: Date;
}

export type ResourceCheck = (resource: ResourceInput, ctx: RuleContext<any>) => readonly Finding[];
export type StackCheck = (resources: readonly StackResource[], ctx: RuleContext<any>) => readonly Finding[];

export type Predicate =
    | { readonly scope: "resource"; readonly checks: readonly ResourceCheck[] }
    | { readonly scope: "stack"; readonly checks: readonly StackCheck[] };

/** The full schema of a policy's settings: its own and the common ones. */
export function settingsOf(meta: PolicyMetadata): Record<string, JsonSchema> {
    return { ...COMMON_SETTINGS, ...(meta.settings ?? {}) };
}

/** Whether an error is the policy runtime's "this value is unknown during preview". */
export function isUnknownValueError(e: unknown): e is Error & { props: string[] } {
    return e instanceof Error && e.constructor.name === "UnknownValueError" && Array.isArray((e as any).props);
}

/** Runs checks one by one; an unknown value read by a check becomes a "cannot verify" finding for that check. */
export function runChecks<T>(checks: readonly ((input: T, ctx: RuleContext<any>) => readonly Finding[])[],
                             input: T, ctx: RuleContext<any>, urn?: string): Finding[] {
    const findings: Finding[] = [];
    for (const check of checks) {
        try {
            findings.push(...check(input, ctx));
        } catch (e) {
            if (!isUnknownValueError(e)) throw e;
            findings.push(cannotVerify(`.${e.props.join(".")} is unknown until the update runs; the rule cannot ` +
                "judge it now and will judge the known value at update time.", urn));
        }
    }
    return findings;
}

interface Diagnostic { message: string; urn?: string; enforcementLevel?: EnforcementLevel }

/** How a finding is reported: level and message, after exemptions (matched on the registered and the rules' type). */
export function diagnosticFor(finding: Finding, type: string, urn: string, config: CommonConfig, now: Date,
                              registeredType = type): Diagnostic {
    const text = finding.kind === "cannot-verify" ? cannotVerifyMessage(finding.message)
        : finding.kind === "platform-gap" ? platformGapMessage(finding.message) : finding.message;
    // A platform gap is advice: it says what the platform lacks and what compensates; nothing to exempt.
    if (finding.kind === "platform-gap") return { message: text, urn: finding.urn, enforcementLevel: "advisory" };
    const exemption: Exemption | undefined = findExemption(config.exemptions, urn, registeredType) ??
        (registeredType !== type ? findExemption(config.exemptions, urn, type) : undefined);
    if (exemption) {
        return isActive(exemption, now)
            ? { message: exemptMessage(exemption, exemption.reason, text), urn: finding.urn, enforcementLevel: "advisory" }
            : { message: expiredMessage(exemption, text), urn: finding.urn, enforcementLevel: "mandatory" };
    }
    if (finding.kind === "cannot-verify" && notAPreview()) {
        // No update comes after to judge the known value: fail closed, at the policy's level.
        return { message: `${text} (Not a preview: in a deployed state the value is an encrypted secret that cannot ` +
            "be read offline, and nothing judges it later.)", urn: finding.urn };
    }
    if (finding.kind === "cannot-verify" && config.unknownValues === "advise") {
        return { message: text, urn: finding.urn, enforcementLevel: "advisory" };
    }
    // No level: the runtime uses the policy's configured one.
    return { message: text, urn: finding.urn };
}

/**
 * The runtime's reportViolation also takes a diagnostic object (message, urn, enforcementLevel) and uses its level
 * instead of the policy's; that is how an exempt finding is reported as advisory and an expired one as mandatory.
 */
function report(reportViolation: ReportViolation, d: Diagnostic): void {
    (reportViolation as unknown as (d: Diagnostic) => void)(d);
}

function toStackResource(r: PolicyResource): StackResource {
    return {
        type: canonicalType(r.type), registeredType: r.type, name: r.name, urn: r.urn, props: r.props,
        provider: r.provider ? { type: r.provider.type, urn: r.provider.urn, name: r.provider.name, props: r.provider.props } : undefined,
        parent: r.parent?.urn,
        dependencies: r.dependencies.map(d => d.urn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map(d => d.urn)])),
    };
}

export function toPolicy(meta: PolicyMetadata, predicate: Predicate): ResourceValidationPolicy | StackValidationPolicy {
    if (predicate.scope !== meta.scope) {
        throw new Error(`policy ${meta.name}: metadata says ${meta.scope}, predicate says ${predicate.scope}`);
    }
    const schema = settingsOf(meta);
    const readSettings = configReader<Record<string, unknown>>(meta.name, schema);
    const base = {
        name: meta.name,
        description: meta.description,
        enforcementLevel: meta.enforcementLevel,
        severity: meta.severity,
        remediationSteps: meta.remediationSteps,
        framework: {
            name: "HDS v2 / SecNumCloud 3.2 / CNIL / ANSSI",
            version: "2026-11",
            reference: [meta.framework.hds, meta.framework.secNumCloud, meta.framework.cnil, meta.framework.anssi, meta.framework.euCsf]
                .filter(Boolean).join("; "),
            specification: [
                meta.framework.azurePolicy?.length ? `Azure Policy ${meta.framework.azurePolicy.join(", ")}` : "",
                meta.framework.checkov?.length ? `Checkov ${meta.framework.checkov.join(", ")}` : "",
            ].filter(Boolean).join("; ") || "no Azure Policy or Checkov equivalent",
        },
        tags: [meta.concern],
        configSchema: { properties: schema },
    };
    if (predicate.scope === "resource") {
        return {
            ...base,
            validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
                const config = readSettings(args.getConfig());
                const ctx: RuleContext = { config, now: currentDate(config) };
                const input: ResourceInput = {
                    type: canonicalType(args.type), registeredType: args.type, name: args.name, urn: args.urn, props: args.props,
                    provider: args.provider ? { type: args.provider.type, urn: args.provider.urn, name: args.provider.name,
                        props: args.provider.props } : undefined,
                };
                for (const f of runChecks(predicate.checks, input, ctx)) {
                    report(reportViolation, diagnosticFor(f, input.type, args.urn, config, ctx.now, args.type));
                }
            },
        };
    }
    return {
        ...base,
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const config = readSettings(args.getConfig());
            const ctx: RuleContext = { config, now: currentDate(config) };
            const resources = args.resources.map(toStackResource);
            const byUrn = new Map(resources.map(r => [r.urn, r]));
            for (const f of runChecks(predicate.checks, resources, ctx)) {
                const target = f.urn ? byUrn.get(f.urn) : undefined;
                report(reportViolation, diagnosticFor(f, target?.type ?? "", f.urn ?? "", config, ctx.now, target?.registeredType));
            }
        },
    };
}
