export { kafkaBrokersFromEnv, kafkaServerOptions, tracedKafkaStrategy } from './kafka-options.js';
