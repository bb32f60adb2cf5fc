import { ConfigError } from "../../../components/errors";
import { CERTIFIED_PLANS, NODE_FLAVOURS, catalogPlan, spreadPool } from "../../../stacks/ovh/sizing";
import { NODE_SIZES } from "../../../components/model";

const ZONES = ["eu-west-par-a", "eu-west-par-b", "eu-west-par-c"];

describe("neutral sizes to OVH offers", () => {
    test("every neutral node size has a flavour, each larger than the one before", () => {
        const memory = NODE_SIZES.map(size => Number(NODE_FLAVOURS[size].split("-")[1]));
        expect(memory).toEqual([...memory].sort((a, b) => a - b));
        expect(new Set(memory).size).toBe(NODE_SIZES.length);
    });

    test.each([
        [{ size: "large" as const, nodes: 3, minNodes: 3, maxNodes: 12 }, [[1, 1, 4], [1, 1, 4], [1, 1, 4]]],
        [{ size: "small" as const, nodes: 4, minNodes: 3, maxNodes: 5 }, [[2, 1, 2], [1, 1, 2], [1, 1, 1]]],
        [{ size: "small" as const, nodes: 7, minNodes: 5, maxNodes: 8 }, [[3, 2, 3], [2, 2, 3], [2, 1, 2]]],
    ])("spreads %o over three zones, keeping min <= desired <= max in each", (pool, expected) => {
        const spread = spreadPool("systemPool", pool, ZONES);
        expect(spread.map(z => z.zone)).toEqual(ZONES);
        expect(spread.map(z => [z.desiredNodes, z.minNodes, z.maxNodes])).toEqual(expected);
        for (const z of spread) {
            expect(z.minNodes).toBeLessThanOrEqual(z.desiredNodes);
            expect(z.desiredNodes).toBeLessThanOrEqual(z.maxNodes);
        }
    });

    test("keeps a single-zone pool whole", () => {
        expect(spreadPool("systemPool", { size: "small", nodes: 1, minNodes: 1, maxNodes: 2 }, []))
            .toEqual([{ zone: undefined, desiredNodes: 1, minNodes: 1, maxNodes: 2 }]);
    });

    test("refuses fewer minimum nodes than zones, naming the pool's key", () => {
        expect(() => spreadPool("analyticsPool", { size: "large", nodes: 2, minNodes: 2, maxNodes: 6 }, ZONES))
            .toThrow(/warehouse:compute.analyticsPool.minNodes = 2: at least 3 on OVHcloud/);
    });

    test("maps the certified tiers to OVH plans with their node counts", () => {
        expect(catalogPlan("business")).toEqual({ plan: "business", nodes: 2 });
        expect(catalogPlan("enterprise")).toEqual({ plan: "enterprise", nodes: 3 });
    });

    test("refuses the essential plan, which the HDS certification does not cover", () => {
        expect(Object.keys(CERTIFIED_PLANS)).not.toContain("essential");
        expect(() => catalogPlan("essential")).toThrow(ConfigError);
        expect(() => catalogPlan("essential")).toThrow(/warehouse:catalog.tier = "essential": one of business, enterprise.*HDS/);
    });
});
