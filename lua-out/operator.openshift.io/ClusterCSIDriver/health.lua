-- mas-health: ClusterCSIDriver (services Available)
-- The first case that holds decides:
--   efs.csi.aws.com: node and controller services Available -> Healthy;
--   efs.csi.aws.com: node service not Available -> Progressing;
--   efs.csi.aws.com: controller service not Available -> Progressing;
--   filestore.csi.storage.gke.io: node and controller services Available -> Healthy;
--   filestore.csi.storage.gke.io: node service not Available -> Progressing;
--   filestore.csi.storage.gke.io: controller service not Available -> Progressing;
--   no status yet -> Progressing; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local metadata, name, status, conditions, awsefsdriver_node_service_controller,
      awsefsdriver_controller_service, gcpfilestore_driver_node_service,
      gcpfilestore_driver_controller_service, awsefsdriver_node_service_controller_2,
      awsefsdriver_controller_service_2, gcpfilestore_driver_node_service_2,
      gcpfilestore_driver_controller_service_2, awsefsdriver_node_service_controller_2_message,
      awsefsdriver_controller_service_2_message, gcpfilestore_driver_node_service_2_message,
      gcpfilestore_driver_controller_service_2_message, verdict, message
if type(obj) == "table" then metadata, status = obj.metadata, obj.status end
if type(metadata) == "table" then name = metadata.name end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not awsefsdriver_node_service_controller and condition_type == "AWSEFSDriverNodeServiceControllerAvailable" and condition_status == "True" then awsefsdriver_node_service_controller = condition end
      if not awsefsdriver_controller_service and condition_type == "AWSEFSDriverControllerServiceControllerAvailable" and condition_status == "True" then awsefsdriver_controller_service = condition end
      if not gcpfilestore_driver_node_service and condition_type == "GCPFilestoreDriverNodeServiceControllerAvailable" and condition_status == "True" then gcpfilestore_driver_node_service = condition end
      if not gcpfilestore_driver_controller_service and condition_type == "GCPFilestoreDriverControllerServiceControllerAvailable" and condition_status == "True" then gcpfilestore_driver_controller_service = condition end
      if not awsefsdriver_node_service_controller_2 and condition_type == "AWSEFSDriverNodeServiceControllerAvailable" then awsefsdriver_node_service_controller_2, awsefsdriver_node_service_controller_2_message = condition, condition.message end
      if not awsefsdriver_controller_service_2 and condition_type == "AWSEFSDriverControllerServiceControllerAvailable" then awsefsdriver_controller_service_2, awsefsdriver_controller_service_2_message = condition, condition.message end
      if not gcpfilestore_driver_node_service_2 and condition_type == "GCPFilestoreDriverNodeServiceControllerAvailable" then gcpfilestore_driver_node_service_2, gcpfilestore_driver_node_service_2_message = condition, condition.message end
      if not gcpfilestore_driver_controller_service_2 and condition_type == "GCPFilestoreDriverControllerServiceControllerAvailable" then gcpfilestore_driver_controller_service_2, gcpfilestore_driver_controller_service_2_message = condition, condition.message end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if name == "efs.csi.aws.com" and awsefsdriver_node_service_controller and awsefsdriver_controller_service then
  verdict, message = "Healthy", "efs.csi.aws.com: node and controller services are available"
elseif name == "efs.csi.aws.com" and not awsefsdriver_node_service_controller then
  verdict, message = "Progressing", text(awsefsdriver_node_service_controller_2_message) and "node service: " .. awsefsdriver_node_service_controller_2_message or "waiting for the node service"
elseif name == "efs.csi.aws.com" then
  verdict, message = "Progressing", text(awsefsdriver_controller_service_2_message) and "controller service: " .. awsefsdriver_controller_service_2_message or "waiting for the controller service"
elseif name == "filestore.csi.storage.gke.io" and gcpfilestore_driver_node_service and gcpfilestore_driver_controller_service then
  verdict, message = "Healthy", "filestore.csi.storage.gke.io: node and controller services are available"
elseif name == "filestore.csi.storage.gke.io" and not gcpfilestore_driver_node_service then
  verdict, message = "Progressing", text(gcpfilestore_driver_node_service_2_message) and "node service: " .. gcpfilestore_driver_node_service_2_message or "waiting for the node service"
elseif name == "filestore.csi.storage.gke.io" then
  verdict, message = "Progressing", text(gcpfilestore_driver_controller_service_2_message) and "controller service: " .. gcpfilestore_driver_controller_service_2_message or "waiting for the controller service"
elseif status == nil then
  verdict, message = "Progressing", "waiting for the operator to report status"
else
  verdict, message = "Healthy", "no readiness conditions known for this driver"
end
return {status = verdict, message = message}
