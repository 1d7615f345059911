-- mas-health: CertManager (deployments available)
-- The first case that holds decides: controller degraded -> Degraded;
--   cainjector degraded -> Degraded; webhook degraded -> Degraded;
--   all deployments available -> Healthy; otherwise Progressing.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local status, conditions, cert_manager_controller_deployment, cert_manager_cainjector_deployment,
      cert_manager_webhook_deployment_degraded, cert_manager_controller_deployment_2,
      cert_manager_cainjector_deployment_2, cert_manager_webhook_deployment,
      cert_manager_controller_deployment_message, cert_manager_cainjector_deployment_message,
      cert_manager_webhook_deployment_degraded_message, verdict, message
if type(obj) == "table" then status = obj.status end
if type(status) == "table" then conditions = status.conditions end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      local condition_type, condition_status = condition.type, condition.status
      if not cert_manager_controller_deployment and condition_type == "cert-manager-controller-deploymentDegraded" and condition_status == "True" then cert_manager_controller_deployment, cert_manager_controller_deployment_message = condition, condition.message end
      if not cert_manager_cainjector_deployment and condition_type == "cert-manager-cainjector-deploymentDegraded" and condition_status == "True" then cert_manager_cainjector_deployment, cert_manager_cainjector_deployment_message = condition, condition.message end
      if not cert_manager_webhook_deployment_degraded and condition_type == "cert-manager-webhook-deploymentDegraded" and condition_status == "True" then cert_manager_webhook_deployment_degraded, cert_manager_webhook_deployment_degraded_message = condition, condition.message end
      if not cert_manager_controller_deployment_2 and condition_type == "cert-manager-controller-deploymentAvailable" and condition_status == "True" then cert_manager_controller_deployment_2 = condition end
      if not cert_manager_cainjector_deployment_2 and condition_type == "cert-manager-cainjector-deploymentAvailable" and condition_status == "True" then cert_manager_cainjector_deployment_2 = condition end
      if not cert_manager_webhook_deployment and condition_type == "cert-manager-webhook-deploymentAvailable" and condition_status == "True" then cert_manager_webhook_deployment = condition end
    end
  end
end
local function text(value) return type(value) == "string" and value ~= "" and value end
if cert_manager_controller_deployment then
  verdict, message = "Degraded", text(cert_manager_controller_deployment_message) or "cert-manager controller is degraded"
elseif cert_manager_cainjector_deployment then
  verdict, message = "Degraded", text(cert_manager_cainjector_deployment_message) or "cert-manager cainjector is degraded"
elseif cert_manager_webhook_deployment_degraded then
  verdict, message = "Degraded", text(cert_manager_webhook_deployment_degraded_message) or "cert-manager webhook is degraded"
elseif cert_manager_controller_deployment_2 and cert_manager_cainjector_deployment_2 and cert_manager_webhook_deployment then
  verdict, message = "Healthy", "cert-manager controller, cainjector and webhook are available"
else
  verdict, message = "Progressing", "waiting for the cert-manager deployments to be available"
end
return {status = verdict, message = message}
