// Neutral sizes mapped to Azure SKUs. Every VM size here is a v5 "ds" size: it supports encryption at host and
// premium managed disks, which the cluster requires on every pool.

import { NodeSize } from "../../components/model";

/** Node pool VM sizes: general purpose for the system pool's sizes, memory optimised for analytics sizes. */
export const VM_SIZES: Readonly<Record<NodeSize, string>> = {
    small: "Standard_D4ds_v5",
    medium: "Standard_D8ds_v5",
    large: "Standard_E16ds_v5",
    xlarge: "Standard_E32ds_v5",
};

/** The catalogue's compute tier and SKU per neutral tier (Burstable is not offered: no HA, no SLA worth it). */
export const CATALOG_SKUS: Readonly<Record<"business" | "enterprise", { tier: string; name: string }>> = {
    business: { tier: "GeneralPurpose", name: "Standard_D4ds_v5" },
    enterprise: { tier: "MemoryOptimized", name: "Standard_E8ds_v5" },
};
