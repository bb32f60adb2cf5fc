// Reads what a Pulumi provider SDK declares, from its own files: each resource's type token (the `__pulumiType` of
// its class), the members of its `<Resource>Args` interface, and the shape of each member, following references into
// the SDK's `types/input.d.ts` and `types/enums`. Syntax only (no type checker): the SDKs are generated in one
// regular style, and parsing 2,300 declaration files this way takes seconds instead of minutes.

import * as fs from "fs";
import * as path from "path";
import type * as TS from "typescript";

/** The shape of a member, as far as the rules need it. */
export type Shape =
    | { readonly kind: "string" | "boolean" | "number" | "any" }
    /** A closed or open set of strings (`string | enums.x.Y` is open: any string is accepted too). */
    | { readonly kind: "enum"; readonly values: readonly string[] }
    | { readonly kind: "object"; readonly name: string; readonly members: () => readonly Member[] }
    | { readonly kind: "array" | "map"; readonly item: Shape };

export interface Member {
    readonly name: string;
    readonly required: boolean;
    /** The member's documentation, in one line. */
    readonly doc: string;
    readonly shape: Shape;
}

export interface ResourceDeclaration {
    /** The type token the class registers (`azure-native:storage:StorageAccount`). */
    readonly token: string;
    /** Other tokens the class declares as aliases (earlier API versions, renamed types). */
    readonly aliases: readonly string[];
    /** The file, relative to the package. */
    readonly file: string;
    /** The first sentence of the class's documentation. */
    readonly summary: string;
    readonly members: readonly Member[];
}

const TOKEN = /__pulumiType = ['"]([^'"]+)['"]/;
const ALIAS = /\{ type: "([^"]+)" \}/g;

/** One SDK package: its resources, and the named input types and enums they refer to. */
export class SdkPackage {
    private readonly interfaces = new Map<string, TS.InterfaceDeclaration>();
    private readonly enumCache = new Map<string, readonly string[] | undefined>();
    private readonly memberCache = new Map<TS.Node, readonly Member[]>();
    private inputSource?: TS.SourceFile;

    constructor(private readonly ts: typeof TS, readonly dir: string, readonly name: string, readonly version: string) {
        const input = path.join(dir, "types", "input.d.ts");
        if (fs.existsSync(input)) {
            this.inputSource = this.parse(input);
            this.indexInterfaces(this.inputSource.statements, []);
        }
    }

    static load(ts: typeof TS, packageName: string, fromDir: string): SdkPackage {
        const manifest = require.resolve(`${packageName}/package.json`, { paths: [fromDir] });
        const version = JSON.parse(fs.readFileSync(manifest, "utf8")).version as string;
        return new SdkPackage(ts, path.dirname(manifest), packageName, version);
    }

    private parse(file: string): TS.SourceFile {
        return this.ts.createSourceFile(file, fs.readFileSync(file, "utf8"), this.ts.ScriptTarget.Latest, false);
    }

    private indexInterfaces(statements: readonly TS.Statement[], scope: readonly string[]): void {
        const ts = this.ts;
        for (const s of statements) {
            if (ts.isInterfaceDeclaration(s)) this.interfaces.set([...scope, s.name.text].join("."), s);
            else if (ts.isModuleDeclaration(s) && s.body) {
                // `namespace a.b { }` nests as module a { module b { } }; `namespace a { namespace b { } }` as blocks.
                let body: TS.ModuleBody | undefined = s.body;
                const names = [...scope, (s.name as TS.Identifier).text];
                while (body && ts.isModuleDeclaration(body)) {
                    names.push((body.name as TS.Identifier).text);
                    body = body.body;
                }
                if (body && ts.isModuleBlock(body)) this.indexInterfaces(body.statements, names);
            }
        }
    }

    /** Every resource the package declares (files whose class extends pulumi.CustomResource). */
    resources(): ResourceDeclaration[] {
        const out: ResourceDeclaration[] = [];
        const walk = (dir: string) => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) {
                    if (!(dir === this.dir && ["types", "node_modules", "config"].includes(e.name))) walk(p);
                } else if (e.name.endsWith(".js")) {
                    const decl = this.resource(p);
                    if (decl) out.push(decl);
                }
            }
        };
        walk(this.dir);
        return out;
    }

    private resource(jsFile: string): ResourceDeclaration | undefined {
        const js = fs.readFileSync(jsFile, "utf8");
        const token = TOKEN.exec(js)?.[1];
        if (!token || !js.includes("extends pulumi.CustomResource")) return undefined;
        const dtsFile = jsFile.replace(/\.js$/, ".d.ts");
        if (!fs.existsSync(dtsFile)) return undefined;
        const ts = this.ts;
        const source = this.parse(dtsFile);
        let args: TS.InterfaceDeclaration | undefined;
        let summary = "";
        for (const s of source.statements) {
            if (ts.isInterfaceDeclaration(s) && s.name.text.endsWith("Args")) args = s;
            if (ts.isClassDeclaration(s)) summary = firstSentence(docOf(ts, s, source));
        }
        const aliases = [...(js.match(/aliases: \[[^\]]*\]/)?.[0] ?? "").matchAll(ALIAS)].map(m => m[1]);
        return {
            token, aliases, file: path.relative(this.dir, dtsFile).split(path.sep).join("/"), summary,
            members: args ? this.membersOf(args, source) : [],
        };
    }

    private membersOf(node: TS.InterfaceDeclaration | TS.TypeLiteralNode, source: TS.SourceFile | undefined): readonly Member[] {
        const cached = this.memberCache.get(node);
        if (cached) return cached;
        const ts = this.ts;
        const members: Member[] = [];
        for (const m of node.members) {
            if (!ts.isPropertySignature(m) || !m.type) continue;
            const name = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : undefined;
            if (!name) continue;
            members.push({ name, required: !m.questionToken, doc: source ? docOf(ts, m, source) : "", shape: this.shapeOf(m.type, source) });
        }
        this.memberCache.set(node, members);
        return members;
    }

    /** The shape of a type as the SDK writes it: `pulumi.Input<...>`, unions, arrays, references, literals. */
    shapeOf(node: TS.TypeNode, source: TS.SourceFile | undefined): Shape {
        const ts = this.ts;
        if (ts.isParenthesizedTypeNode(node)) return this.shapeOf(node.type, source);
        if (ts.isTypeReferenceNode(node)) {
            const ref = entityName(ts, node.typeName);
            if (/^(pulumi\.)?Input$/.test(ref) && node.typeArguments?.length === 1) return this.shapeOf(node.typeArguments[0], source);
            if (ref.startsWith("inputs.")) {
                const iface = this.interfaces.get(ref.slice("inputs.".length));
                return iface ? { kind: "object", name: ref.slice("inputs.".length), members: () => this.membersOf(iface, this.inputSource) }
                    : { kind: "any" };
            }
            if (ref.startsWith("enums.")) {
                const values = this.enumValues(ref.slice("enums.".length));
                return values ? { kind: "enum", values } : { kind: "string" };
            }
            if (ref === "Array" && node.typeArguments?.length === 1) return { kind: "array", item: this.shapeOf(node.typeArguments[0], source) };
            if (ref === "Record" && node.typeArguments?.length === 2) return { kind: "map", item: this.shapeOf(node.typeArguments[1], source) };
            return { kind: "any" };
        }
        if (ts.isArrayTypeNode(node)) return { kind: "array", item: this.shapeOf(node.elementType, source) };
        if (ts.isUnionTypeNode(node)) {
            const parts = node.types.filter(t => !isNullish(ts, t)).map(t => this.shapeOf(t, source));
            return mergeShapes(parts);
        }
        if (ts.isLiteralTypeNode(node)) {
            if (ts.isStringLiteral(node.literal)) return { kind: "enum", values: [node.literal.text] };
            if (node.literal.kind === ts.SyntaxKind.TrueKeyword || node.literal.kind === ts.SyntaxKind.FalseKeyword) return { kind: "boolean" };
            return { kind: "number" };
        }
        if (ts.isTypeLiteralNode(node)) {
            const index = node.members.find(ts.isIndexSignatureDeclaration);
            if (index) return { kind: "map", item: this.shapeOf(index.type, source) };
            return { kind: "object", name: "", members: () => this.membersOf(node, source) };
        }
        switch (node.kind) {
            case ts.SyntaxKind.StringKeyword: return { kind: "string" };
            case ts.SyntaxKind.BooleanKeyword: return { kind: "boolean" };
            case ts.SyntaxKind.NumberKeyword: return { kind: "number" };
            default: return { kind: "any" };
        }
    }

    /** `storage.MinimumTlsVersion` -> its values, from `types/enums/storage/index.d.ts`. */
    private enumValues(ref: string): readonly string[] | undefined {
        if (this.enumCache.has(ref)) return this.enumCache.get(ref);
        const parts = ref.split(".");
        const file = path.join(this.dir, "types", "enums", ...parts.slice(0, -1), "index.d.ts");
        let values: string[] | undefined;
        if (fs.existsSync(file)) {
            const ts = this.ts;
            for (const s of this.parse(file).statements) {
                if (!ts.isVariableStatement(s)) continue;
                for (const d of s.declarationList.declarations) {
                    if (!ts.isIdentifier(d.name) || d.name.text !== parts[parts.length - 1] || !d.type || !ts.isTypeLiteralNode(d.type)) continue;
                    values = d.type.members.flatMap(m => ts.isPropertySignature(m) && m.type && ts.isLiteralTypeNode(m.type) &&
                        ts.isStringLiteral(m.type.literal) ? [m.type.literal.text] : []);
                }
            }
        }
        this.enumCache.set(ref, values);
        return values;
    }
}

function isNullish(ts: typeof TS, t: TS.TypeNode): boolean {
    return t.kind === ts.SyntaxKind.UndefinedKeyword || t.kind === ts.SyntaxKind.NullKeyword ||
        (ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword);
}

/** A union as one shape: strings and enums make an enum (open when a plain string is allowed), objects merge. */
function mergeShapes(parts: readonly Shape[]): Shape {
    if (parts.length === 0) return { kind: "any" };
    if (parts.length === 1) return parts[0];
    const enums = parts.filter((p): p is Extract<Shape, { kind: "enum" }> => p.kind === "enum");
    if (enums.length > 0 && parts.every(p => p.kind === "enum" || p.kind === "string")) {
        return { kind: "enum", values: [...new Set(enums.flatMap(e => e.values))] };
    }
    const objects = parts.filter((p): p is Extract<Shape, { kind: "object" }> => p.kind === "object");
    if (objects.length > 0 && objects.length === parts.length) {
        return {
            kind: "object", name: objects.map(o => o.name).join("|"),
            members: () => {
                const byName = new Map<string, Member>();
                for (const o of objects) for (const m of o.members()) if (!byName.has(m.name)) byName.set(m.name, { ...m, required: false });
                return [...byName.values()];
            },
        };
    }
    const arrays = parts.filter((p): p is Extract<Shape, { kind: "array" }> => p.kind === "array");
    if (arrays.length > 0) return arrays[0];
    return parts.find(p => p.kind !== "any") ?? parts[0];
}

function entityName(ts: typeof TS, name: TS.EntityName): string {
    return ts.isIdentifier(name) ? name.text : `${entityName(ts, name.left)}.${name.right.text}`;
}

function docOf(ts: typeof TS, node: TS.Node, source: TS.SourceFile): string {
    const ranges = ts.getLeadingCommentRanges(source.text, node.pos) ?? [];
    const last = ranges[ranges.length - 1];
    if (!last) return "";
    return source.text.slice(last.pos, last.end).replace(/^\/\*\*|\*\/$/g, "").split("\n")
        .map(l => l.replace(/^\s*\* ?/, "").trim()).filter(l => l !== "").join(" ");
}

function firstSentence(text: string, max = 200): string {
    const sentence = /^(.+?[.!?])(\s|$)/.exec(text)?.[1] ?? text;
    return sentence.length > max ? `${sentence.slice(0, max - 1)}…` : sentence;
}
