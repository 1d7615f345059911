-- mas-health: OLM CatalogSource
local a, b, c, d, e, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, e = a.connectionState, a.message end
if type(b) == "table" then c, d = b.lastConnect, b.lastObservedState end
if d == "READY" then f, g = "Healthy", "catalog source is READY"
elseif d == "IDLE" and c ~= nil then f, g = "Healthy", "catalog source connection IDLE after connecting"
elseif d == "TRANSIENT_FAILURE" then f, g = "Degraded", "catalog source connection TRANSIENT_FAILURE" .. (type(e) == "string" and e ~= "" and ": " .. e or "")
else f, g = "Progressing", type(d) == "string" and d ~= "" and "catalog source connection " .. d or "waiting for the catalog source to connect" end
return {status = f, message = g}
