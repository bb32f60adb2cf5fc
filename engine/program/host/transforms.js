// Resource transforms, run as the Pulumi engine runs them (pulumi/pulumi pkg/resource/deploy/source_eval.go:
// resmon.RegisterStackTransform, resmon.RegisterResource, resmon.wrapTransformCallback). The program registers
// each transform as a callback (`Callback{target, token}`) on the runtime's callback server; the engine calls it
// back over gRPC (`pulumirpc.Callbacks/Invoke`) with a TransformRequest before it registers the resource, and
// registers what the transforms return. So does this monitor, with the runtime's own gRPC client: nothing depends
// on the runtime's private fields.
// - Order: the resource's own `transforms` option, then its parent's, its grandparent's... up to the root, then
//   the stack's (registerResourceTransform), each in the order registered; each sees what the previous returned.
// - A transform returns properties and options; options it returns REPLACE the previous ones whole (the engine
//   takes `response.Options` as is); a transform that returns undefined leaves both unchanged (the runtime echoes
//   the request).
// - Properties go to the transform as the engine unmarshals them: secrets and unknowns as output values, and, when
//   the resource has its own transforms, each property with dependencies as an output value carrying them.
"use strict";

const path = require("path");

const { SIG, SECRET_SIG, OUTPUT_SIG, UNKNOWN } = require("../../wire-signatures");

/** A value as the engine unmarshals it with UpgradeToOutputValues: secrets and unknowns become output values. */
function upgradeValue(v) {
    if (v === UNKNOWN) return { [SIG]: OUTPUT_SIG };
    if (Array.isArray(v)) return v.map(upgradeValue);
    if (v && typeof v === "object") {
        if (v[SIG] === SECRET_SIG) return { [SIG]: OUTPUT_SIG, secret: true, value: upgradeValue(v.value) };
        if (v[SIG] !== undefined) return v;
        const out = {};
        for (const [k, x] of Object.entries(v)) out[k] = upgradeValue(x);
        return out;
    }
    return v;
}

/** source_eval.go upgradeOutputValues: a property with dependencies becomes an output value that carries them. */
function withDependencies(value, deps) {
    if (!deps || deps.length === 0) return value;
    if (value && typeof value === "object" && value[SIG] === OUTPUT_SIG) {
        const known = value.dependencies || [];
        return { ...value, dependencies: [...new Set([...known, ...deps])] };
    }
    return { [SIG]: OUTPUT_SIG, value, dependencies: deps };
}

/**
 * A value as the engine hands it on after the transforms (source_eval.go downgradeOutputValues, then marshaled
 * for the analyzers without output values): an output value becomes its value, a secret, or unknown. Its
 * dependencies are added to `deps`.
 */
function downgradeValue(v, deps) {
    if (Array.isArray(v)) return v.map(x => downgradeValue(x, deps));
    if (v && typeof v === "object") {
        if (v[SIG] === OUTPUT_SIG) {
            for (const d of v.dependencies || []) deps.add(d);
            const value = "value" in v ? downgradeValue(v.value, deps) : UNKNOWN;
            return v.secret ? { [SIG]: SECRET_SIG, value } : value;
        }
        if (v[SIG] !== undefined) {
            return v[SIG] === SECRET_SIG ? { ...v, value: downgradeValue(v.value, deps) } : v;
        }
        const out = {};
        for (const [k, x] of Object.entries(v)) out[k] = downgradeValue(x, deps);
        return out;
    }
    return v;
}

/** The transformed properties as registered, and the dependencies their output values carried, by property. */
function registeredInputs(props) {
    const inputs = {};
    const propertyDependencies = {};
    for (const [k, v] of Object.entries(props)) {
        const deps = new Set();
        inputs[k] = downgradeValue(v, deps);
        propertyDependencies[k] = [...deps];
    }
    return { inputs, propertyDependencies };
}

/** Properties as the transform callback receives them. */
function transformInputs(inputs, propertyDependencies, ownTransforms) {
    const props = {};
    for (const [k, v] of Object.entries(inputs)) {
        const up = upgradeValue(v);
        props[k] = ownTransforms ? withDependencies(up, propertyDependencies[k]) : up;
    }
    return props;
}

/**
 * @param {{ runtimeDir: string, resproto: object, structproto: object }} opts
 *        the program's runtime, whose protobuf and gRPC modules carry the callbacks.
 */
function createTransforms(opts) {
    const { resproto, structproto } = opts;
    const fromRuntime = m => require(require.resolve(m, { paths: [opts.runtimeDir] }));
    const grpc = fromRuntime("@grpc/grpc-js");
    const callbackRpc = require(path.join(opts.runtimeDir, "proto", "callback_grpc_pb"));
    const callbackProto = require(path.join(opts.runtimeDir, "proto", "callback_pb"));
    const clients = new Map();

    /** One client per callback server, as the engine keeps one (resmon.GetCallbacksClient). */
    function clientFor(target) {
        let client = clients.get(target);
        if (!client) {
            client = new callbackRpc.CallbacksClient(target, grpc.credentials.createInsecure());
            clients.set(target, client);
        }
        return client;
    }

    /** source_eval.go wrapTransformCallback: a function (resource, props, options) -> { props, options }. */
    function wrap(callback) {
        const target = callback.getTarget(), token = callback.getToken();
        if (!target) throw new Error("target must be specified");
        const client = clientFor(target);
        return (resource, props, options) => new Promise((resolve, reject) => {
            const request = new resproto.TransformRequest();
            request.setName(resource.name);
            request.setType(resource.type);
            request.setParent(resource.parent || "");
            request.setCustom(resource.custom);
            request.setProperties(structproto.Struct.fromJavaScript(props));
            request.setOptions(options);
            const invoke = new callbackProto.CallbackInvokeRequest();
            invoke.setToken(token);
            invoke.setRequest(request.serializeBinary());
            client.invoke(invoke, (err, resp) => {
                if (err) return reject(err);
                try {
                    const response = resproto.TransformResponse.deserializeBinary(resp.getResponse_asU8());
                    const newProps = response.getProperties();
                    resolve({
                        props: newProps ? newProps.toJavaScript() : props,
                        options: response.getOptions() || options,
                    });
                } catch (e) {
                    reject(e);
                }
            });
        });
    }

    /** The options a transform sees (source_eval.go RegisterResource, TransformResourceOptions), from the request. */
    function requestOptions(req, aliases) {
        const o = new resproto.TransformResourceOptions();
        o.setImport(req.getImportid());
        o.setDependsOnList(req.getDependenciesList());
        if (req.hasProtect ? req.hasProtect() : req.getProtect()) o.setProtect(req.getProtect());
        o.setIgnoreChangesList(req.getIgnorechangesList());
        o.setReplaceOnChangesList(req.getReplaceonchangesList());
        o.setVersion(req.getVersion());
        o.setAliasesList(aliases);
        o.setProvider(req.getProvider());
        const providers = o.getProvidersMap();
        req.getProvidersMap().forEach((v, k) => { providers.set(k, v); });
        if (req.getHidediffsList && o.setHideDiffList) o.setHideDiffList(req.getHidediffsList());
        if (req.getCustomtimeouts()) o.setCustomTimeouts(req.getCustomtimeouts());
        o.setPluginDownloadUrl(req.getPlugindownloadurl());
        if (req.hasRetainondelete ? req.hasRetainondelete() : req.getRetainondelete()) {
            o.setRetainOnDelete(req.getRetainondelete());
        }
        o.setDeletedWith(req.getDeletedwith());
        if (req.getReplaceWithList && o.setReplaceWithList) o.setReplaceWithList(req.getReplaceWithList());
        // The engine reads DeleteBeforeReplace when it is defined, or true (the Go SDK does not set Defined).
        if (req.getDeletebeforereplacedefined() || req.getDeletebeforereplace()) {
            o.setDeleteBeforeReplace(req.getDeletebeforereplace());
        }
        o.setAdditionalSecretOutputsList(req.getAdditionalsecretoutputsList());
        if (req.hasReplacementTrigger && req.hasReplacementTrigger() && o.setReplacementTrigger) {
            o.setReplacementTrigger(req.getReplacementTrigger());
        }
        if (req.hasHooks && req.hasHooks() && o.setHooks) o.setHooks(req.getHooks());
        return o;
    }

    /**
     * Runs the transforms in order; resolves to the last properties and options, or rejects with the first
     * failure, whose message names the resource.
     */
    async function run(resource, transforms, props, options) {
        for (const transform of transforms) {
            try {
                ({ props, options } = await transform(resource, props, options));
            } catch (err) {
                // The runtime reports a throwing transform as "transform failed: <error>" in the gRPC details.
                const why = String((err && (err.details || err.message)) || err).split("\n")[0];
                throw new Error(`the transform of ${resource.type} '${resource.name}' failed: ${why}`);
            }
        }
        return { props, options };
    }

    return { wrap, requestOptions, run };
}

module.exports = { createTransforms, transformInputs, registeredInputs };
