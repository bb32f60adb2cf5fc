// The European Commission's Cloud Sovereignty Framework (version 1.2.1, October 2025): eight sovereignty objectives,
// each graded on five Sovereignty Effectiveness Assurance Levels (SEAL-0 to SEAL-4). A buyer sets a minimum level
// per objective; an offer below it on any objective is out. The pack grades each cloud of its catalogue per
// objective and lets a policy require a minimum (`minimumSeal`, e.g. SEAL-3 for health data).
//
// Sources. The framework's own text was not available to this project offline: the objectives and the level
// definitions below are those the MISP "sov" taxonomy derives from it (it cites the Commission's document,
// commission.europa.eu/document/download/09579818-64a6-4dd5-9577-446ab6219113_en). The grades are not the
// Commission's: no official grading of these providers was found. They are a third-party assessment that applies the
// framework's criteria factor by factor and publishes its justification per provider (Abilian's "Cloud Sovereignty
// Framework - Provider Cards", csf.hop3.abilian.com), read on 2026-12-01. Replace a grade with `offerOverrides`
// (its `seal` map) when an official or contractual grading exists.

import { Cloud } from "./regions";

export const SOVEREIGNTY_OBJECTIVES = {
    "SOV-1": "Strategic sovereignty",
    "SOV-2": "Legal and jurisdictional sovereignty",
    "SOV-3": "Data and AI sovereignty",
    "SOV-4": "Operational sovereignty",
    "SOV-5": "Supply chain sovereignty",
    "SOV-6": "Technology sovereignty",
    "SOV-7": "Security and compliance sovereignty",
    "SOV-8": "Environmental sustainability",
} as const;
export type SovereigntyObjective = keyof typeof SOVEREIGNTY_OBJECTIVES;
export const OBJECTIVE_IDS = Object.keys(SOVEREIGNTY_OBJECTIVES) as SovereigntyObjective[];

export const SEAL_LEVELS = {
    "SEAL-0": "no sovereignty: exclusive control of non-EU third parties, non-EU jurisdictions",
    "SEAL-1": "jurisdictional sovereignty: EU law formally applies, little enforceability; exclusive non-EU control",
    "SEAL-2": "data sovereignty: EU law applicable and enforceable, material non-EU dependencies; indirect non-EU control",
    "SEAL-3": "digital resilience: EU actors exercise meaningful but not full influence; marginal non-EU control",
    "SEAL-4": "full digital sovereignty: complete EU control, only EU law, no critical non-EU dependency",
} as const;
export type SealLevel = keyof typeof SEAL_LEVELS;
export const SEAL_NAMES = Object.keys(SEAL_LEVELS) as SealLevel[];

export function sealRank(level: SealLevel): number {
    return SEAL_NAMES.indexOf(level);
}

export const FRAMEWORK_SOURCE = "European Commission, Cloud Sovereignty Framework v1.2.1 (October 2025), objectives and " +
    "SEAL definitions as derived by the MISP sov taxonomy (github.com/MISP/misp-taxonomies, sov/machinetag.json)";

/** A cloud's grade per objective, dated and sourced. An objective with no grade is not assessed. */
export interface SealGrades {
    readonly cloud: Cloud;
    readonly grades: Readonly<Partial<Record<SovereigntyObjective, SealLevel>>>;
    readonly asOf: string;
    readonly source: string;
}

const CARDS = "Abilian, Cloud Sovereignty Framework - Provider Cards (third-party assessment under CSF v1.2.1), ";

export const SEAL_GRADES: readonly SealGrades[] = [
    {
        // US parent (Microsoft Corp.): CLOUD Act and FISA 702 reach; the assessment rates every objective but one SEAL-1.
        cloud: "azure", asOf: "2026-12-01", source: `${CARDS}https://csf.hop3.abilian.com/providers/microsoft-azure.html`,
        grades: { "SOV-1": "SEAL-1", "SOV-2": "SEAL-1", "SOV-3": "SEAL-1", "SOV-4": "SEAL-1", "SOV-5": "SEAL-1",
            "SOV-6": "SEAL-2", "SOV-7": "SEAL-1", "SOV-8": "SEAL-3" },
    },
    {
        // French listed company, founder family control; Public Cloud is not SecNumCloud-qualified.
        cloud: "ovhcloud", asOf: "2026-12-01", source: `${CARDS}https://csf.hop3.abilian.com/providers/ovhcloud.html`,
        grades: { "SOV-1": "SEAL-4", "SOV-2": "SEAL-4", "SOV-3": "SEAL-3", "SOV-4": "SEAL-3", "SOV-5": "SEAL-3",
            "SOV-6": "SEAL-3", "SOV-7": "SEAL-3", "SOV-8": "SEAL-3" },
    },
    {
        // French company (Neurones group), SecNumCloud 3.2 qualified offers.
        cloud: "cloudtemple", asOf: "2026-12-01", source: `${CARDS}https://csf.hop3.abilian.com/providers/cloud-temple.html`,
        grades: { "SOV-1": "SEAL-3", "SOV-2": "SEAL-3", "SOV-3": "SEAL-3", "SOV-4": "SEAL-3", "SOV-5": "SEAL-3",
            "SOV-6": "SEAL-3", "SOV-7": "SEAL-3", "SOV-8": "SEAL-3" },
    },
];

export function findSealGrades(cloud: Cloud, grades: readonly SealGrades[] = SEAL_GRADES): SealGrades | undefined {
    return grades.find(g => g.cloud === cloud);
}
