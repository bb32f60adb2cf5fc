import { formatCidr, overlaps, parseCidr, planSubnets } from "../../components/cidr";

describe("CIDR arithmetic", () => {
    test.each(["10.0.0.0/8", "192.0.2.0/28", "0.0.0.0/0", "10.40.255.255/32"])("accepts %s", c => {
        expect(formatCidr(parseCidr(c)!)).toBe(c);
    });
    test.each(["10.0.0.1/8", "256.0.0.0/8", "10.0.0.0/33", "10.0.0.0", "10.0.0/8", " 10.0.0.0/8", "a.b.c.d/8"])(
        "refuses %s", c => { expect(parseCidr(c)).toBeUndefined(); });

    test("overlap", () => {
        expect(overlaps(parseCidr("10.0.0.0/8")!, parseCidr("10.40.0.0/16")!)).toBe(true);
        expect(overlaps(parseCidr("10.40.0.0/16")!, parseCidr("10.41.0.0/16")!)).toBe(false);
    });

    test("carves the same disjoint subnets on every target", () => {
        const plan = planSubnets("10.40.0.0/16");
        expect(plan).toEqual({
            cluster: "10.40.0.0/17", endpoints: "10.40.128.0/24", database: "10.40.129.0/24", gateway: "10.40.130.0/24",
        });
        const blocks = Object.values(plan).map(c => parseCidr(c)!);
        for (let i = 0; i < blocks.length; i++) {
            for (let j = i + 1; j < blocks.length; j++) expect(overlaps(blocks[i], blocks[j])).toBe(false);
        }
        expect(planSubnets("172.16.0.0/20").endpoints).toBe("172.16.8.0/24");
    });
});
