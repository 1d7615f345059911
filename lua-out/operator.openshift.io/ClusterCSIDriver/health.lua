-- mas-health: ClusterCSIDriver (services Available)
local a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, s, t
if type(obj) == "table" then a, c = obj.metadata, obj.status end
if type(a) == "table" then b = a.name end
if type(c) == "table" then d = c.conditions end
if type(d) == "table" then
 for _, u in ipairs(d) do
  if type(u) == "table" then
   local v, w = u.type, u.status
   if not e and v == "AWSEFSDriverNodeServiceControllerAvailable" and w == "True" then e = u end
   if not f and v == "AWSEFSDriverControllerServiceControllerAvailable" and w == "True" then f = u end
   if not g and v == "GCPFilestoreDriverNodeServiceControllerAvailable" and w == "True" then g = u end
   if not h and v == "GCPFilestoreDriverControllerServiceControllerAvailable" and w == "True" then h = u end
   if not i and v == "AWSEFSDriverNodeServiceControllerAvailable" then i, m = u, u.message end
   if not j and v == "AWSEFSDriverControllerServiceControllerAvailable" then j, n = u, u.message end
   if not k and v == "GCPFilestoreDriverNodeServiceControllerAvailable" then k, o = u, u.message end
   if not l and v == "GCPFilestoreDriverControllerServiceControllerAvailable" then l, p = u, u.message end
  end
 end
end
local function q(r) return type(r) == "string" and r ~= "" and r end
if b == "efs.csi.aws.com" and e and f then s, t = "Healthy", "efs.csi.aws.com: node and controller services are available"
elseif b == "efs.csi.aws.com" and not e then s, t = "Progressing", q(m) and "node service: " .. m or "waiting for the node service"
elseif b == "efs.csi.aws.com" then s, t = "Progressing", q(n) and "controller service: " .. n or "waiting for the controller service"
elseif b == "filestore.csi.storage.gke.io" and g and h then s, t = "Healthy", "filestore.csi.storage.gke.io: node and controller services are available"
elseif b == "filestore.csi.storage.gke.io" and not g then s, t = "Progressing", q(o) and "node service: " .. o or "waiting for the node service"
elseif b == "filestore.csi.storage.gke.io" then s, t = "Progressing", q(p) and "controller service: " .. p or "waiting for the controller service"
elseif c == nil then s, t = "Progressing", "waiting for the operator to report status"
else s, t = "Healthy", "no readiness conditions known for this driver" end
return {status = s, message = t}
