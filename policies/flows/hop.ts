// What every hop evaluator answers: how much of a flow it lets through, and the rule that decides it.

import { ALL, Address, Cover, NONE, SOME } from "./addresses";
import { FlowPort } from "./intents";

/** A set of pods: one namespace, with their labels (undefined: every pod of the namespace). */
export interface PodSet {
    readonly namespace: string;
    readonly labels?: Readonly<Record<string, string>>;
}

/** One end of a flow as the evaluators see it. */
export interface End {
    readonly pods: readonly PodSet[];
    readonly podAddresses: readonly Address[];
    readonly addresses: readonly Address[];
    readonly subnet?: string;
    readonly fqdn?: string;
    readonly external: boolean;
}

export interface HopResult {
    /** ALL: every packet of the flow passes; SOME: part of it; NONE: none. */
    readonly cover: Cover;
    /** The rule (or absence of rule) that decides, as a reviewer would look it up. */
    readonly rule: string;
}

export const pass = (rule: string): HopResult => ({ cover: ALL, rule });
export const block = (rule: string): HopResult => ({ cover: NONE, rule });
export const partly = (rule: string): HopResult => ({ cover: SOME, rule });

export function describePort(p: FlowPort): string {
    return p.protocol === "ANY" && p.port === undefined ? "any port" : `${p.protocol}${p.port !== undefined ? `/${p.port}` : ""}`;
}

/** The smaller of several covers (a flow passes as far as its narrowest part). */
export function least(...covers: Cover[]): Cover {
    return covers.reduce<Cover>((a, b) => (b < a ? b : a), ALL);
}
export function most(...covers: Cover[]): Cover {
    return covers.reduce<Cover>((a, b) => (b > a ? b : a), NONE);
}
