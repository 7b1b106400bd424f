<?php
// Schedule an SMS for one future moment (docs: Guides → Schedule an SMS). PHP with the curl extension.
//   BASE_URL=http://127.0.0.1:8787 API_KEY=sk_test_… php schedule-sms.php
$apiUrl = (getenv('BASE_URL') ?: 'http://127.0.0.1:8787') . '/api/v1/lisoloo/sms-api';
$apiKey = getenv('API_KEY') ?: getenv('LISOLOO_API_KEY');
if (!$apiKey) {
    fwrite(STDERR, "Set API_KEY (or LISOLOO_API_KEY) to your sk_test_… key\n");
    exit(2);
}

// The docs schedule 2026-06-01 08:00, which has passed, and a past moment is refused (1103). This
// asks for tomorrow at 08:00 instead: the date is tomorrow in UTC, the time is read in the merchant's
// time zone (Africa/Kinshasa for the local sandbox), so it is always in the future.
$tomorrow = gmdate('Y-m-d', time() + 24 * 3600);

$ch = curl_init("$apiUrl/send");
curl_setopt_array($ch, [
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_POST => true,
    CURLOPT_HTTPHEADER => ["app-key: $apiKey", 'Content-Type: application/json'],
    CURLOPT_POSTFIELDS => json_encode([
        'to' => ['+243998857000'],
        'message' => 'Your appointment is tomorrow at 09:00.',
        'sender_id' => 'CLINIC',
        'sending_type' => 'scheduled',
        'scheduled_dates' => [
            ['date' => $tomorrow, 'time' => '08:00'],
        ],
    ]),
    CURLOPT_TIMEOUT => 10,
]);
$body = curl_exec($ch);
if ($body === false) {
    fwrite(STDERR, 'Request failed: ' . curl_error($ch) . "\n");
    exit(1);
}

echo $body, "\n";
exit(curl_getinfo($ch, CURLINFO_RESPONSE_CODE) >= 400 ? 1 : 0);
