// The embedded resource monitor: what the Pulumi engine answers to a program during `pulumi preview`, without
// providers. It records every request whole (type, name, parent, options, wire inputs with their unknown and
// secret markers) and answers as the engine does for a resource it would create:
// - URNs as the engine builds them: the root Stack's type is left out of its children's qualified type, and a
//   child's qualified type is its parent's FULL qualified type, `$`, its own type;
// - outputs = inputs, everything else unknown (the SDK turns absent outputs into unknowns in a preview), ids
//   unknown (empty), provider ids the engine's unknown id, `additionalSecretOutputs` marked secret; except, unless
//   `predict` is false, the outputs a provider derives from the inputs alone (ids, Key Vault URIs, storage
//   endpoints: predictions.js), recorded as predicted;
// - a second registration of the same URN fails, as the engine refuses duplicate URNs;
// - invokes answered from the provider's stack config where the answer is knowable offline (see invokes.js).
"use strict";

const path = require("path");
const url = require("url");
const { answerInvoke } = require("./invokes");
const { mergeOutputs, predictOutputs } = require("./predictions");
const { markerToken } = require("./unknown-invokes");
const { createTransforms, transformInputs, registeredInputs } = require("./transforms");

const { SIG, SECRET_SIG, UNKNOWN: UNKNOWN_ID } = require("../../wire-signatures");
const ROOT_STACK = "pulumi:pulumi:Stack";

/**
 * @param {{ runtimeDir: string, project: string, stack: string, preview: boolean,
 *           config: Record<string, string>, secretKeys: string[], predict?: boolean,
 *           onRecord?: (record: object) => void, onOutputs?: (urn: string, outputs: object) => void }} opts
 *        onRecord and onOutputs see each registration, and each component's outputs, as the program makes them.
 */
function createMonitor(opts) {
    const onRecord = opts.onRecord || (() => undefined);
    const onOutputs = opts.onOutputs || (() => undefined);
    // The runtime's own protobuf modules: the SDK checks message classes from its own copy.
    const fromRuntime = m => require(require.resolve(m, { paths: [opts.runtimeDir] }));
    const resproto = require(path.join(opts.runtimeDir, "proto", "resource_pb"));
    const provproto = require(path.join(opts.runtimeDir, "proto", "provider_pb"));
    const structproto = fromRuntime("google-protobuf/google/protobuf/struct_pb");
    const emptyproto = fromRuntime("google-protobuf/google/protobuf/empty_pb");
    const aliasproto = require(path.join(opts.runtimeDir, "proto", "alias_pb"));
    const transforms = createTransforms({ runtimeDir: opts.runtimeDir, resproto, structproto });
    /** The stack's transforms (registerResourceTransform), in the order registered. */
    const stackTransforms = [];
    /** Each registered resource's own transforms, by URN (only those that have some): its children inherit them. */
    const resourceTransforms = new Map();

    const byUrn = new Map();
    const invokes = [];
    /** Resources whose id the engine predicted (a real preview leaves it unknown). */
    const predictedUrns = new Set();
    let engineError;
    let onFailure = () => undefined;

    const qualifiedType = urn => urn.split("::")[2];
    function makeUrn(parent, type, name, stack = opts.stack, project = opts.project) {
        let qt = type;
        if (parent) {
            const pqt = qualifiedType(parent);
            if (pqt !== ROOT_STACK) qt = `${pqt}$${type}`;
        }
        return `urn:pulumi:${stack}::${project}::${qt}::${name}`;
    }

    /** Alias URNs as the engine derives them from alias specs (unset fields default to the resource's own). */
    function aliasUrns(aliasUrnList, aliasList, type, name, parent) {
        const urns = [...aliasUrnList];
        for (const alias of aliasList) {
            if (alias.hasUrn && alias.hasUrn()) { urns.push(alias.getUrn()); continue; }
            const spec = alias.getSpec();
            if (!spec) continue;
            const aliasParent = spec.hasNoparent() && spec.getNoparent() ? "" :
                spec.hasParenturn() ? spec.getParenturn() : parent;
            urns.push(makeUrn(aliasParent, spec.getType() || type, spec.getName() || name,
                spec.getStack() || opts.stack, spec.getProject() || opts.project));
        }
        return urns;
    }

    /** Custom timeouts as the program gave them (duration strings such as "10m"); absent when none is set. */
    function timeouts(t) {
        if (!t) return undefined;
        const out = {};
        for (const [key, value] of [["create", t.getCreate()], ["update", t.getUpdate()], ["delete", t.getDelete()],
                                   ["read", t.getRead ? t.getRead() : ""]]) {
            if (value) out[key] = value;
        }
        return Object.keys(out).length ? out : undefined;
    }

    /** Where the program declared the resource (see source-position.js), as a path; undefined when not known. */
    function sourcePosition(req) {
        const pos = req.getSourceposition ? req.getSourceposition() : undefined;
        if (!pos || !pos.getUri() || !pos.getLine()) return undefined;
        const uri = pos.getUri();
        let file = uri;
        try {
            if (uri.startsWith("file:")) file = url.fileURLToPath(uri);
        } catch {
            return undefined;
        }
        return { file, line: pos.getLine(), column: pos.getColumn() || 1 };
    }

    /** A provider's configuration: an explicit provider's inputs, or the stack config of its package. */
    function providerSettings(type, providerRef) {
        if (providerRef) {
            const record = byUrn.get(providerRef.slice(0, providerRef.lastIndexOf("::")));
            return record ? record.inputs : {};
        }
        const prefix = `${type.split(":")[0]}:`;
        const settings = {};
        for (const [key, value] of Object.entries(opts.config)) {
            if (key.startsWith(prefix) && !opts.secretKeys.includes(key)) settings[key.slice(prefix.length)] = value;
        }
        return settings;
    }

    function secret(value) {
        return value && typeof value === "object" && value[SIG] === SECRET_SIG ? value : { [SIG]: SECRET_SIG, value };
    }

    function fail(cb, message) {
        engineError = engineError || message;
        onFailure(engineError);
        cb(new Error(message), undefined);
    }

    /** The transforms of the resource's parent, then its grandparent's... up to the root: they apply to it too. */
    function ancestorTransforms(parent) {
        const inherited = [];
        if (resourceTransforms.size === 0) return inherited;
        for (let u = parent; u; u = byUrn.has(u) ? byUrn.get(u).parent : "") {
            if (resourceTransforms.has(u)) inherited.push(...resourceTransforms.get(u));
        }
        return inherited;
    }

    /**
     * source_eval.go inheritFromParent: what a child leaves unset (protect, retainOnDelete, deletedWith, provider),
     * the engine takes from its parent as registered, so after the parent's transforms. The Node.js runtime copies
     * only what the parent declared itself, so what a transform set reaches children only here. A provider comes
     * only from a custom parent (the engine resolves none for a component) and only for the same package.
     */
    function inheritFromParent(req, parentRecord) {
        if (!parentRecord || parentRecord.read) return;
        if (!req.getProvider() && req.getCustom() && parentRecord.custom && parentRecord.provider) {
            const providerType = qualifiedType(parentRecord.provider).split("$").pop();
            if (providerType.split(":").pop() === req.getType().split(":")[0]) req.setProvider(parentRecord.provider);
        }
        if (!req.getDeletedwith() && parentRecord.deletedWith) req.setDeletedwith(parentRecord.deletedWith);
        if (req.hasProtect && !req.hasProtect() && parentRecord.protect !== undefined) req.setProtect(parentRecord.protect);
        if (req.hasRetainondelete && !req.hasRetainondelete() && parentRecord.retainOnDelete !== undefined) {
            req.setRetainondelete(parentRecord.retainOnDelete);
        }
    }

    /** The resource as the program declared it: inputs, dependencies and options from the request. */
    function declared(req, type, name, parent) {
        const inputs = req.getObject() ? req.getObject().toJavaScript() : {};
        // Markers of unanswered invokes (unknown-invokes.js) are taken out: they say which inputs an invoke
        // fed, and are no dependency the engine would see.
        const propertyDependencies = {};
        const unanswered = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
            const urns = v.getUrnsList();
            const tokens = urns.map(markerToken).filter(t => t !== undefined);
            if (tokens.length) unanswered[k] = [...new Set(tokens)];
            propertyDependencies[k] = urns.filter(u => markerToken(u) === undefined);
        });
        const providers = {};
        req.getProvidersMap().forEach((v, k) => { providers[k] = v; });
        return {
            inputs, propertyDependencies,
            unansweredInputs: Object.keys(unanswered).length ? unanswered : undefined,
            dependencies: req.getDependenciesList().filter(u => markerToken(u) === undefined),
            provider: req.getProvider(),
            providers,
            version: req.getVersion(),
            pluginDownloadURL: req.getPlugindownloadurl(),
            protect: req.hasProtect ? (req.hasProtect() ? req.getProtect() : undefined) : req.getProtect(),
            ignoreChanges: req.getIgnorechangesList(),
            replaceOnChanges: req.getReplaceonchangesList(),
            aliases: aliasUrns(req.getAliasurnsList ? req.getAliasurnsList() : [],
                               req.getAliasesList ? req.getAliasesList() : [], type, name, parent),
            deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            retainOnDelete: req.hasRetainondelete ? (req.hasRetainondelete() ? req.getRetainondelete() : undefined) : req.getRetainondelete(),
            deletedWith: req.getDeletedwith(),
            importId: req.getImportid(),
            customTimeouts: timeouts(req.getCustomtimeouts()),
        };
    }

    /**
     * The resource as the engine registers it after its transforms (source_eval.go RegisterResource): the
     * properties and the options the last transform returned. With transforms of its own, the engine takes its
     * dependencies from the returned `dependsOn` and its property dependencies from the output values returned.
     */
    function transformed(asDeclared, props, o, ownTransforms, type, name, parent) {
        const providers = {};
        o.getProvidersMap().forEach((v, k) => { providers[k] = v; });
        const { inputs, propertyDependencies } = registeredInputs(props);
        const noMarker = u => markerToken(u) === undefined;
        let dependencies = asDeclared.dependencies;
        let propDeps = asDeclared.propertyDependencies;
        if (ownTransforms) {
            const all = new Set(o.getDependsOnList().filter(noMarker));
            for (const k of Object.keys(propertyDependencies)) {
                propertyDependencies[k] = propertyDependencies[k].filter(noMarker);
                for (const u of propertyDependencies[k]) all.add(u);
            }
            dependencies = [...all];
            propDeps = propertyDependencies;
        }
        return {
            inputs, propertyDependencies: propDeps, dependencies,
            unansweredInputs: asDeclared.unansweredInputs,
            provider: o.getProvider(),
            providers,
            version: o.getVersion(),
            pluginDownloadURL: o.getPluginDownloadUrl(),
            protect: o.hasProtect() ? o.getProtect() : undefined,
            ignoreChanges: o.getIgnoreChangesList(),
            replaceOnChanges: o.getReplaceOnChangesList(),
            aliases: aliasUrns([], o.getAliasesList(), type, name, parent),
            deleteBeforeReplace: o.hasDeleteBeforeReplace() ? o.getDeleteBeforeReplace() : undefined,
            additionalSecretOutputs: o.getAdditionalSecretOutputsList(),
            retainOnDelete: o.hasRetainOnDelete() ? o.getRetainOnDelete() : undefined,
            deletedWith: o.getDeletedWith(),
            importId: o.getImport(),
            customTimeouts: timeouts(o.getCustomTimeouts()),
        };
    }

    /** Registers the resource as `reg` describes it (declared, or as its transforms left it), and answers. */
    function register(req, reg, ownTransforms, cb) {
        const type = req.getType(), name = req.getName(), parent = req.getParent();
        const custom = req.getCustom();
        const urn = makeUrn(parent, type, name);
        if (byUrn.has(urn)) return fail(cb, `Duplicate resource URN '${urn}'; try giving it a unique name`);
        const { inputs, propertyDependencies, additionalSecretOutputs } = reg;
        const isProvider = custom && type.startsWith("pulumi:providers:");
        let id = custom && opts.preview ? (isProvider ? UNKNOWN_ID : "") : custom ? `${name}-offline-id` : "";
        let outputs = { ...inputs };
        let prediction;
        if (custom && !isProvider && opts.preview && opts.predict !== false) {
            prediction = predictOutputs(type, inputs, providerSettings(type, reg.provider));
            if (prediction) {
                id = prediction.id;
                outputs = mergeOutputs(outputs, prediction.outputs);
                predictedUrns.add(urn);
            }
        }
        for (const key of additionalSecretOutputs) if (key in outputs) outputs[key] = secret(outputs[key]);
        const record = {
            urn, type, name, custom, parent, id,
            remote: req.getRemote(),
            provider: reg.provider,
            providers: reg.providers,
            version: reg.version,
            pluginDownloadURL: reg.pluginDownloadURL,
            dependencies: reg.dependencies,
            propertyDependencies,
            unansweredInputs: reg.unansweredInputs,
            protect: reg.protect,
            ignoreChanges: reg.ignoreChanges,
            replaceOnChanges: reg.replaceOnChanges,
            aliases: reg.aliases,
            deleteBeforeReplace: reg.deleteBeforeReplace,
            additionalSecretOutputs,
            retainOnDelete: reg.retainOnDelete,
            deletedWith: reg.deletedWith,
            importId: reg.importId,
            customTimeouts: reg.customTimeouts,
            source: sourcePosition(req),
            predicted: prediction ? prediction.predicted : undefined,
            predictionPlaceholders: prediction && prediction.placeholders.length ? prediction.placeholders : undefined,
            inputs,
            outputs: custom ? outputs : {},
        };
        byUrn.set(urn, record);
        if (ownTransforms && ownTransforms.length) resourceTransforms.set(urn, ownTransforms);
        onRecord(record);
        const resp = new resproto.RegisterResourceResponse();
        resp.setUrn(urn);
        resp.setId(id);
        resp.setObject(structproto.Struct.fromJavaScript(outputs));
        const deps = resp.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(propertyDependencies)) {
            const pd = new resproto.RegisterResourceResponse.PropertyDependencies();
            pd.setUrnsList(urns);
            deps.set(k, pd);
        }
        cb(null, resp);
    }

    const monitor = {
        registerStackTransform(req, cb) {
            try {
                stackTransforms.push(transforms.wrap(req));
            } catch (err) {
                return fail(cb, `registerResourceTransform: ${err.message}`);
            }
            cb(null, new emptyproto.Empty());
        },

        // Invoke transforms (`pulumi.runtime.registerInvokeTransform`) are run by the engine before each invoke. This
        // monitor does not run them (some invokes are answered before they reach it: unknown-invokes.js); judging
        // what untransformed arguments were answered would be judging another program, so the run stops.
        registerStackInvokeTransform(_req, cb) {
            fail(cb, "invoke transforms (pulumi.runtime.registerInvokeTransform) are not run by the offline check yet, " +
                "and the invokes they change cannot be judged without them: check this stack with `pulumi preview --policy-pack`");
        },

        registerResource(req, cb) {
            const type = req.getType(), name = req.getName(), parent = req.getParent();
            inheritFromParent(req, byUrn.get(parent));
            const own = req.getTransformsList ? req.getTransformsList() : [];
            const inherited = ancestorTransforms(parent);
            // The plain path stays synchronous: only a resource some transform applies to waits for callbacks.
            if (own.length === 0 && inherited.length === 0 && stackTransforms.length === 0) {
                return register(req, declared(req, type, name, parent), undefined, cb);
            }
            let ours;
            try {
                ours = own.map(transforms.wrap);
            } catch (err) {
                return fail(cb, `the transforms option of ${type} '${name}': ${err.message}`);
            }
            // Its own, then its parent's, its grandparent's... then the stack's (source_eval.go RegisterResource).
            const chain = [...ours, ...inherited, ...stackTransforms];
            const asDeclared = declared(req, type, name, parent);
            const custom = req.getCustom();
            const aliases = [];
            for (const u of req.getAliasurnsList ? req.getAliasurnsList() : []) {
                const a = new aliasproto.Alias();
                a.setUrn(u);
                aliases.push(a);
            }
            aliases.push(...(req.getAliasesList ? req.getAliasesList() : []));
            const props = transformInputs(asDeclared.inputs, asDeclared.propertyDependencies, ours.length > 0);
            transforms.run({ name, type, custom, parent }, chain, props, transforms.requestOptions(req, aliases))
                .then(result => register(req, transformed(asDeclared, result.props, result.options, ours.length > 0,
                                                          type, name, parent), ours, cb),
                      err => fail(cb, err.message));
        },

        registerResourceOutputs(req, cb) {
            const record = byUrn.get(req.getUrn());
            if (!record) return fail(cb, `outputs registered for unknown resource ${req.getUrn()}`);
            record.outputs = req.getOutputs() ? req.getOutputs().toJavaScript() : {};
            onOutputs(record.urn, record.outputs);
            cb(null, new emptyproto.Empty());
        },

        readResource(req, cb) {
            const type = req.getType(), name = req.getName(), parent = req.getParent();
            const urn = makeUrn(parent, type, name);
            if (byUrn.has(urn)) return fail(cb, `Duplicate resource URN '${urn}'; try giving it a unique name`);
            const inputs = req.getProperties() ? req.getProperties().toJavaScript() : {};
            const record = {
                urn, type, name, custom: true, parent, id: req.getId(), read: true, remote: false,
                provider: req.getProvider(), providers: {}, version: req.getVersion(),
                pluginDownloadURL: req.getPlugindownloadurl(),
                dependencies: req.getDependenciesList().filter(u => markerToken(u) === undefined),
                propertyDependencies: {}, ignoreChanges: [], replaceOnChanges: [], aliases: [],
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(), source: sourcePosition(req),
                inputs, outputs: inputs,
            };
            byUrn.set(urn, record);
            onRecord(record);
            const resp = new resproto.ReadResourceResponse();
            resp.setUrn(urn);
            resp.setProperties(structproto.Struct.fromJavaScript(inputs));
            cb(null, resp);
        },

        invoke(req, cb) {
            const token = req.getTok();
            const args = req.getArgs() ? req.getArgs().toJavaScript() : {};
            let result;
            if (token === "pulumi:pulumi:getResource") {
                const r = byUrn.get(args.urn);
                if (!r) return cb(new Error(`unknown resource ${args.urn}`), undefined);
                result = { urn: r.urn, id: r.id, state: r.outputs };
            } else {
                const answer = answerInvoke(token, args, opts.config);
                invokes.push({ token, source: answer.source });
                result = answer.result;
            }
            const resp = new provproto.InvokeResponse();
            resp.setReturn(structproto.Struct.fromJavaScript(result));
            cb(null, resp);
        },

        call(req, cb) {
            fail(cb, `method '${req.getTok()}' of a multi-language component cannot run offline`);
        },
    };

    return {
        monitor,
        invokes: () => invokes,
        isPredicted: urn => predictedUrns.has(urn),
        /** Records an invoke answered before it reached the monitor (unknown-invokes.js). */
        recordInvoke: (token, source) => { invokes.push({ token, source }); },
        error: () => engineError,
        onFailure: fn => { onFailure = fn; },
    };
}

module.exports = { createMonitor, UNKNOWN_ID };
